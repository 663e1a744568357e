package import Foundation
import PostgresNIO
import HeraldCore

/// A request from `herald.intake` waiting for its tenant's rate limit.
package struct ParkedRequest: Sendable {
    package var id: Int64
    package var tenantID: UUID
    package var apiKeyID: UUID
    package var idempotencyKey: String
    package var body: [UInt8]
}
