package import Foundation
import HeraldCore
import PostgresNIO

/// An SMS a recipient sent to one of a tenant's numbers.
package struct InboundMessage: Sendable, Positioned {
    package var id: UUID
    package var requestID: String
    package var from: String
    package var to: String
    package var text: String
    package var receivedAt: Date
    /// `stop` or `start` when the text was one of those keywords (and acted on).
    package var keyword: String?
    package var position: ListPosition
}
