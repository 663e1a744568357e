import Foundation
import HeraldCore

/// An idempotency key with the request it came with and the response to keep.
public struct IdempotencyRecord: Sendable {
    public var key: String
    public var requestBody: [UInt8]
    public var response: IdempotentResponse

    public init(key: String, requestBody: [UInt8], response: IdempotentResponse) {
        self.key = key
        self.requestBody = requestBody
        self.response = response
    }
}
