import Foundation
import HeraldCore

/// A procedure as the API shows it.
public struct ProcedureRecord: Sendable {
    public let id: UUID
    public let kind: String
    public let createdAt: Date
    public let counts: [String: Int]
    public let messages: [(id: UUID, state: String, channel: String)]
}
