import Foundation
import HeraldCore

/// A stored response to replay for a repeated `Idempotency-Key`.
public struct IdempotentResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    /// Whether the stored response was for the same request body (a different body under the same key is a conflict).
    public var sameRequest: Bool

    public init(status: Int, body: [UInt8], sameRequest: Bool = true) {
        self.status = status
        self.body = body
        self.sameRequest = sameRequest
    }
}
