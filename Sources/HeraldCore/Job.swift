package import Foundation

/// What travels on a work queue: the ids of the messages to work on. Everything else is read from the database,
/// which is the record. A job carries up to `Job.maximumIDs` messages, so that the broker handles one job where it
/// would otherwise handle dozens; each message still changes state on its own, conditionally, so a job handled twice,
/// or a message in two jobs, changes nothing the second time.
package struct Job: Sendable, Hashable {
    package var messageIDs: [UUID]
    /// The job ledger row that owns these messages until the consumer is done with them (absent for jobs replayed
    /// from dead letters).
    package var ledger: Int64?

    /// Messages per job that the stages publish.
    package static let maximumIDs = 50

    package init(messageIDs: [UUID], ledger: Int64? = nil) {
        self.messageIDs = messageIDs
        self.ledger = ledger
    }

    package init(messageID: UUID) {
        self.init(messageIDs: [messageID])
    }

    /// The ids in jobs of at most `maximumIDs`.
    package static func jobs(for ids: [UUID], ledger: Int64? = nil, size: Int = maximumIDs) -> [Job] {
        stride(from: 0, to: ids.count, by: size).map {
            Job(messageIDs: Array(ids[$0..<min($0 + size, ids.count)]), ledger: ledger)
        }
    }

    package func encoded() -> [UInt8] {
        var bytes = Array(#"{"message_ids":["#.utf8)
        bytes.reserveCapacity(18 + messageIDs.count * 39)
        for (index, id) in messageIDs.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            bytes += id.uuidString.lowercased().utf8
            bytes.append(UInt8(ascii: "\""))
        }
        bytes += "]".utf8
        if let ledger { bytes += ",\"ledger\":\(ledger)".utf8 }
        bytes += "}".utf8
        return bytes
    }

    package struct Malformed: Error, CustomStringConvertible {
        package let description: String
    }

    /// Reads `{"message_ids": [...]}`, or `{"message_id": "..."}` for a job of one.
    package static func decode(_ bytes: [UInt8]) throws -> Job {
        guard let object = try JSONValue.parse(bytes).object else { throw Malformed(description: "a job is a JSON object") }
        let raw: [JSONValue]
        if let ids = object["message_ids"]?.array {
            raw = ids
        } else if let id = object["message_id"] {
            raw = [id]
        } else {
            throw Malformed(description: "a job names message_ids")
        }
        let ids = raw.compactMap { $0.string.flatMap(UUID.init(uuidString:)) }
        guard !ids.isEmpty, ids.count == raw.count else { throw Malformed(description: "message ids must be UUIDs") }
        return Job(messageIDs: ids, ledger: object["ledger"]?.intValue)
    }
}
