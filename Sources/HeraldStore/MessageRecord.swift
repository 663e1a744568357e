import Foundation
import HeraldCore

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
