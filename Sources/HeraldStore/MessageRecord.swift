public import Foundation
public import HeraldCore

/// A message as the API shows it.
public struct MessageRecord: Sendable, Positioned {
    public struct Event: Sendable {
        public let from: String?
        public let to: String
        public let detail: String?
        public let at: Date
    }

    public let id: UUID
    public let procedureID: UUID
    public let reference: String?
    /// The recipient it was addressed through, if any.
    public let recipientID: String?
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
    /// Where it stands in a listing, newest first.
    public var position: ListPosition { ListPosition(createdMicros: createdMicros, id: id) }
    let createdMicros: Int64
}

/// A place in a newest-first listing of messages: the creation time (in microseconds since 1970, exactly as the
/// database keeps it) and id of the last message of a page. Opaque to clients as a cursor string.
public struct ListPosition: Sendable, Equatable {
    public var createdMicros: Int64
    public var id: UUID

    public init(createdMicros: Int64, id: UUID) {
        self.createdMicros = createdMicros
        self.id = id
    }

    public var cursor: String {
        Data("\(createdMicros).\(id.uuidString.lowercased())".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(cursor: String) {
        guard cursor.count <= 100 else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.init(createdMicros: micros, id: id)
    }
}

/// A row of a newest-first, keyset-paged listing: where it stands in it.
public protocol Positioned {
    var position: ListPosition { get }
}

extension Array where Element: Positioned {
    /// The rows of a listing read with `limit + 1`: the page of `limit`, and where the next page starts (nil on the
    /// last page).
    func page(of limit: Int) -> ([Element], ListPosition?) {
        guard count > limit else { return (self, nil) }
        let page = Array(prefix(limit))
        return (page, page.last?.position)
    }
}

/// Which of a tenant's messages a listing shows.
public struct MessageFilter: Sendable {
    public var state: MessageState?
    public var channel: MessageChannel?
    public var procedureID: UUID?
    public var reference: String?
    /// A recipient id or an address.
    public var recipient: String?
    public var createdAfter: Date?
    public var createdBefore: Date?
    public var limit = 100
    /// Continue after this message.
    public var after: ListPosition?

    public init() {}
}
