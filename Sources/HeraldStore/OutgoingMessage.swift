package import Foundation
package import HeraldCore

/// A message a sender claimed: everything needed to hand it to the provider.
package struct OutgoingMessage: Sendable {
    package let id: UUID
    package let channel: MessageChannel
    package let toAddress: String
    package let toName: String?
    package let subject: String?
    package let text: String
    package let html: String?
    /// SMS: the sender id asked for, if any. Email: the From mailbox (`Name <local@domain>`) the message or its
    /// tenant names, if any.
    package let sender: String?
    /// SMS only: how many parts the text takes.
    package let segments: Int?
    package let attempts: Int
    /// When the API accepted it, for the accept-to-sent latency.
    package let createdAt: Date
    /// Email: its template is `unsubscribe`, so it carries List-Unsubscribe.
    package var unsubscribe = false
}
