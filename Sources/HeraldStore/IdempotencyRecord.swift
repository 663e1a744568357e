import Foundation
import HeraldCore

/// An idempotency key with the request it came with and the response to keep.
package struct IdempotencyRecord: Sendable {
    package var key: String
    package var requestBody: [UInt8]
    package var response: IdempotentResponse

    package init(key: String, requestBody: [UInt8], response: IdempotentResponse) {
        self.key = key
        self.requestBody = requestBody
        self.response = response
    }
}
