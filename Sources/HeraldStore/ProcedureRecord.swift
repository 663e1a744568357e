public import Foundation
import HeraldCore

/// A procedure as the API shows it: its counts per state and a page of its messages.
public struct ProcedureRecord: Sendable {
    public let id: UUID
    public let kind: String
    public let createdAt: Date
    public let counts: [String: Int]
    public let messages: [MessageRecord]
    public let next: ListPosition?
}
