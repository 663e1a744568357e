import Foundation
import HeraldCore
import PostgresNIO

/// What the aggregator decided for a group: one digest message (queued, to be rendered from the digest template),
/// or, for a single item or when there is no digest template, the items sent as themselves.
package enum DigestDecision: Sendable {
    case digest(NewMessage)
    case asThemselves
}
