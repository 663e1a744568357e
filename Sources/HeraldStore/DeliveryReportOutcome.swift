import Foundation
import HeraldCore
import PostgresNIO

/// What a pushed delivery report did.
package enum DeliveryReportOutcome: String, Sendable, CaseIterable {
    /// Moved the message to its final state (or recorded its one `BUFFERED`).
    case applied
    /// Changed nothing: a duplicate, a late report for a message already final, one for an earlier attempt
    /// (another `requestId`), or a state that records nothing (`ACCEPTED`).
    case unchanged
    /// The message is not `sent` yet (the report outran the sender's own bookkeeping): ask the provider to retry.
    case early
    /// No SMS has this id (never, or forgotten by retention).
    case unknown
}
