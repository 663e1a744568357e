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

    public static func decode(_ bytes: [UInt8]) throws -> Job {
        try JSONDecoder().decode(Job.self, from: Data(bytes))
    }
}
