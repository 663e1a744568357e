import Foundation
import HeraldCore
import PostgresNIO

/// When a sent SMS is first polled and how long its delivery state is worth waiting for.
package struct SMSPolling: Sendable {
    package var firstPoll: Duration
    package var validity: Duration

    package init(firstPoll: Duration, validity: Duration) {
        self.firstPoll = firstPoll
        self.validity = validity
    }
}
