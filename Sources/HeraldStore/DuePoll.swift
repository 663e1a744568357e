package import Foundation
import HeraldCore
import PostgresNIO

/// A sent SMS due for a status poll, leased to one poller.
package struct DuePoll: Sendable {
    package let messageID: UUID
    package let requestID: String
    /// Polls so far, this one included.
    package let polls: Int
    package let sentAt: Date
    package let validUntil: Date
}
