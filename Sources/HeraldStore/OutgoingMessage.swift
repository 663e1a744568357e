public import Foundation
public import HeraldCore

/// A message a sender claimed: everything needed to hand it to the provider.
public struct OutgoingMessage: Sendable {
    public let id: UUID
    public let channel: MessageChannel
    public let toAddress: String
    public let toName: String?
    public let subject: String?
    public let text: String
    public let html: String?
    /// SMS: the sender id asked for, if any. Email: the From mailbox (`Name <local@domain>`) the message or its
    /// tenant names, if any.
    public let sender: String?
    /// SMS only: how many parts the text takes.
    public let segments: Int?
    public let attempts: Int
    /// When the API accepted it, for the accept-to-sent latency.
    public let createdAt: Date
    /// Email: its template is `unsubscribe`, so it carries List-Unsubscribe.
    public var unsubscribe = false
}
