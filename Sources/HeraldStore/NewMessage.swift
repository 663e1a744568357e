package import Foundation
package import HeraldCore

/// A message as accepted by the API, before it is stored.
package struct NewMessage: Sendable {
    package var id: UUID
    package var channel: MessageChannel
    package var toAddress: String
    package var toName: String?
    package var templateID: Int64
    package var locale: String
    /// The template variables as a JSON object.
    package var variablesJSON: String
    /// `queued` when due now, `scheduled` when `sendAt` is in the future.
    package var state: MessageState
    package var sendAt: Date
    /// SMS only: the sender id for this message, instead of the sender's default.
    package var sender: String?
    /// The recipient it was addressed through, if any.
    package var recipientID: String?
    /// A notification deferred by its recipient's preference: rendered at acceptance, so that the digest holds what
    /// was true then, and due for the aggregator at `deferredUntil`.
    package var rendered: RenderedContent?
    package var deferredUntil: Date?
    /// What the notification is about (a category or a case reference), shown in digests.
    package var category: String?
    /// The reminder it belongs to (`POST /v1/reminders`), so that the reminder can be cancelled.
    package var reminderKey: String?
    /// The client's own reference for it (up to 128 characters), returned with it and in its callbacks.
    package var reference: String?
    /// Why it starts in its state, for its first event (held for quiet hours until when).
    package var note: String?

    package init(
        id: UUID = UUID(), channel: MessageChannel, toAddress: String, toName: String?, templateID: Int64,
        locale: String, variablesJSON: String, state: MessageState, sendAt: Date, sender: String? = nil
    ) {
        self.sender = sender
        self.id = id
        self.channel = channel
        self.toAddress = toAddress
        self.toName = toName
        self.templateID = templateID
        self.locale = locale
        self.variablesJSON = variablesJSON
        self.state = state
        self.sendAt = sendAt
    }
}
