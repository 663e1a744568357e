import Foundation

/// What travels on a work queue: the message's id. Everything else is read from the database, which is the record.
public struct Job: Codable, Sendable, Hashable {
    public var messageID: UUID

    public init(messageID: UUID) {
        self.messageID = messageID
    }

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
    }

    public func encoded() -> [UInt8] {
        Array("{\"message_id\":\"\(messageID.uuidString.lowercased())\"}".utf8)
    }

    /// Decodes a job. The form Herald itself writes is read directly (this runs for every delivery); anything else
    /// goes through the JSON decoder.
    public static func decode(_ bytes: [UInt8]) throws -> Job {
        let prefix = Array(#"{"message_id":""#.utf8)
        if bytes.count == prefix.count + 38, bytes.starts(with: prefix), bytes.suffix(2) == [34, 125],
           let id = UUID(uuidString: String(decoding: bytes[prefix.count..<(prefix.count + 36)], as: UTF8.self))
        {
            return Job(messageID: id)
        }
        return try JSONDecoder().decode(Job.self, from: Data(bytes))
    }
}
