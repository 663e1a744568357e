import Foundation
import HeraldCore

/// A stored response to replay for a repeated `Idempotency-Key`.
package struct IdempotentResponse: Sendable, Equatable {
    package var status: Int
    package var body: [UInt8]
    /// Whether the stored response was for the same request body (a different body under the same key is a conflict).
    package var sameRequest: Bool

    package init(status: Int, body: [UInt8], sameRequest: Bool = true) {
        self.status = status
        self.body = body
        self.sameRequest = sameRequest
    }
}
