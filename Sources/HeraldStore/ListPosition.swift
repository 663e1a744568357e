package import Foundation
import HeraldCore

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
