package import Foundation
import HeraldCore

/// A procedure as the API shows it: its counts per state and a page of its messages.
package struct ProcedureRecord: Sendable {
    package let id: UUID
    package let kind: String
    package let createdAt: Date
    package let counts: [String: Int]
    package let messages: [MessageRecord]
    package let next: ListPosition?
}
