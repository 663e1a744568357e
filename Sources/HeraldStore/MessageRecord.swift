package import Foundation
package import HeraldCore

/// A message as the API shows it.
package struct MessageRecord: Sendable, Positioned {
    package struct Event: Sendable {
        package let from: String?
        package let to: String
        package let detail: String?
        package let at: Date
    }

    package let id: UUID
    package let procedureID: UUID
    package let reference: String?
    /// The recipient it was addressed through, if any.
    package let recipientID: String?
    package let channel: String
    package let state: String
    package let templateName: String
    package let templateVersion: Int
    package let locale: String
    package let sendAt: Date
    package let providerID: String?
    package let attempts: Int
    package let lastError: String?
    package let segments: Int?
    package let createdAt: Date
    package let updatedAt: Date
    /// When its personal data was erased (retention).
    package let erasedAt: Date?
    package var events: [Event]
    /// Where it stands in a listing, newest first.
    package var position: ListPosition { ListPosition(createdMicros: createdMicros, id: id) }
    let createdMicros: Int64
}

/// A place in a newest-first listing of messages: the creation time (in microseconds since 1970, exactly as the
/// database keeps it) and id of the last message of a page. Opaque to clients as a cursor string.
package struct ListPosition: Sendable, Equatable {
    package var createdMicros: Int64
    package var id: UUID

    package init(createdMicros: Int64, id: UUID) {
        self.createdMicros = createdMicros
        self.id = id
    }

    package var cursor: String {
        Data("\(createdMicros).\(id.uuidString.lowercased())".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    package init?(cursor: String) {
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
package protocol Positioned {
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
package struct MessageFilter: Sendable {
    package var state: MessageState?
    package var channel: MessageChannel?
    package var procedureID: UUID?
    package var reference: String?
    /// A recipient id or an address.
    package var recipient: String?
    package var createdAfter: Date?
    package var createdBefore: Date?
    package var limit = 100
    /// Continue after this message.
    package var after: ListPosition?

    package init() {}
}
