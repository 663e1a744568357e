import Foundation
import HeraldCore
import PostgresNIO

/// What a tenant's email became over a recent period (`GET /v1/deliverability`).
package struct Deliverability: Sendable {
    package var sent = 0
    package var hardBounces = 0
    package var complaints = 0
    /// Email suppressions added in the period, by reason.
    package var suppressions: [Suppression.Reason: Int] = [:]
}
