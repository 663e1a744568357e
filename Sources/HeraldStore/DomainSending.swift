import Foundation
import HeraldCore
import PostgresNIO

/// What herald-email needs for the From domains of a batch: each one's keys and return-path domain.
package struct DomainSending: Sendable {
    package var keys: [SigningKey] = []
    package var returnPathDomain: String?

    package init() {}
}
