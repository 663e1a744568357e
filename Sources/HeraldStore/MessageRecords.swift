import Foundation
import HeraldCore

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

/// A stored response to replay for a repeated `Idempotency-Key`.
public struct IdempotentResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    /// Whether the stored response was for the same request body (a different body under the same key is a conflict).
    public var sameRequest: Bool

    public init(status: Int, body: [UInt8], sameRequest: Bool = true) {
        self.status = status
        self.body = body
        self.sameRequest = sameRequest
    }
}

/// An idempotency key with the request it came with and the response to keep.
public struct IdempotencyRecord: Sendable {
    public var key: String
    public var requestBody: [UInt8]
    public var response: IdempotentResponse

    public init(key: String, requestBody: [UInt8], response: IdempotentResponse) {
        self.key = key
        self.requestBody = requestBody
        self.response = response
    }
}

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
}

/// A rendered message to store.
public struct RenderedContent: Sendable {
    public var id: UUID
    public var subject: String?
    public var text: String
    public var html: String?
    public var segments: Int?

    public init(id: UUID, subject: String?, text: String, html: String?, segments: Int? = nil) {
        self.id = id
        self.subject = subject
        self.text = text
        self.html = html
        self.segments = segments
    }
}

/// A message a sender claimed: everything needed to hand it to the provider.
public struct OutgoingMessage: Sendable {
    public let id: UUID
    public let channel: MessageChannel
    public let toAddress: String
    public let toName: String?
    public let subject: String?
    public let text: String
    public let html: String?
    /// SMS only: the sender id asked for, if any, and how many parts the text takes.
    public let sender: String?
    public let segments: Int?
    public let attempts: Int
    /// When the API accepted it, for the accept-to-sent latency.
    public let createdAt: Date
}

/// A message as the API shows it.
public struct MessageRecord: Sendable {
    public struct Event: Sendable {
        public let from: String?
        public let to: String
        public let detail: String?
        public let at: Date
    }

    public let id: UUID
    public let procedureID: UUID
    public let channel: String
    public let state: String
    public let templateName: String
    public let templateVersion: Int
    public let locale: String
    public let sendAt: Date
    public let providerID: String?
    public let attempts: Int
    public let lastError: String?
    public let segments: Int?
    public let createdAt: Date
    public let updatedAt: Date
    /// When its personal data was erased (retention).
    public let erasedAt: Date?
    public var events: [Event]
}

/// A procedure as the API shows it.
public struct ProcedureRecord: Sendable {
    public let id: UUID
    public let kind: String
    public let createdAt: Date
    public let counts: [String: Int]
    public let messages: [(id: UUID, state: String, channel: String)]
}
