package import Foundation
package import HeraldCore

/// What the renderer needs of a queued message.
package struct RenderInput: Sendable {
    package let id: UUID
    package let templateID: Int64
    package let channel: MessageChannel
    package let locale: String
    package let variablesJSON: String
    package let subject: String?
    package let text: String
    package let html: String?
    /// Its template is `unsubscribe`: `{{unsubscribe_url}}` is its own one-click link.
    package var unsubscribe = false
}
