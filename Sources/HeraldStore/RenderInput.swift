public import Foundation
public import HeraldCore

/// What the renderer needs of a queued message.
public struct RenderInput: Sendable {
    public let id: UUID
    public let templateID: Int64
    public let channel: MessageChannel
    public let locale: String
    public let variablesJSON: String
    public let subject: String?
    public let text: String
    public let html: String?
    /// Its template is `unsubscribe`: `{{unsubscribe_url}}` is its own one-click link.
    public var unsubscribe = false
}
