import Foundation
package import HeraldCore
import PostgresNIO

/// What a listing of suppressions shows.
package struct SuppressionFilter: Sendable {
    package var channel: MessageChannel?
    package var address: String?
    package var reason: Suppression.Reason?
    package var limit = 100
    package var after: ListPosition?

    package init() {}
}
