public import Foundation
public import HeraldCore

/// A message as accepted by the API, before it is stored.
public struct NewMessage: Sendable {
    public var id: UUID
    public var channel: MessageChannel
    public var toAddress: String
    public var toName: String?
    public var templateID: Int64
    public var locale: String
    /// The template variables as a JSON object.
    public var variablesJSON: String
    /// `queued` when due now, `scheduled` when `sendAt` is in the future.
    public var state: MessageState
    public var sendAt: Date
    /// SMS only: the sender id for this message, instead of the sender's default.
    public var sender: String?
    /// The recipient it was addressed through, if any.
    public var recipientID: String?
    /// A notification deferred by its recipient's preference: rendered at acceptance, so that the digest holds what
    /// was true then, and due for the aggregator at `deferredUntil`.
    public var rendered: RenderedContent?
    public var deferredUntil: Date?
    /// What the notification is about (a category or a case reference), shown in digests.
    public var category: String?
    /// The reminder it belongs to (`POST /v1/reminders`), so that the reminder can be cancelled.
    public var reminderKey: String?
    /// The client's own reference for it (up to 128 characters), returned with it and in its callbacks.
    public var reference: String?
    /// Why it starts in its state, for its first event (held for quiet hours until when).
    public var note: String?

    public init(
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
