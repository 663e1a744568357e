import Foundation
package import HeraldCore
import PostgresNIO

/// What a pushed report says about a sent SMS.
package enum ReportedDelivery: Sendable {
    /// `delivered` or `undeliverable`, with the provider's reason.
    case final(MessageState, detail: String?)
    /// On its way (`BUFFERED`): one event at most, and the poller leaves the message alone a while longer.
    case buffered(detail: String)
    /// Nothing to record (`ACCEPTED`, a state we do not know).
    case pending
}
