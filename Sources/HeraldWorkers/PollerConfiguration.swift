import Foundation
import HeraldCore
import HeraldProviders
import HeraldRuntime
import HeraldStore
import ServiceLifecycle

/// How `herald-poller` paces itself.
package struct PollerConfiguration: Sendable {
    /// Waits between a message's polls: the first after sending, then each after the one before; the last repeats.
    package var delays: [Duration]
    /// Messages claimed per round.
    package var batchSize: Int
    /// Polls in flight at once.
    package var concurrency: Int
    /// How long a claimed message is reserved for this poller; past it, another replica may take it.
    package var lease: Duration
    /// Pause when nothing is due.
    package var idle: Duration

    package init(
        delays: [Duration] = [.seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
                              .seconds(900), .seconds(3600)],
        batchSize: Int = 500, concurrency: Int = 64, lease: Duration = .seconds(60), idle: Duration = .milliseconds(250)
    ) {
        precondition(!delays.isEmpty && delays.allSatisfy { $0 > .zero }, "poll delays must be positive")
        self.delays = delays
        self.batchSize = batchSize
        self.concurrency = concurrency
        self.lease = lease
        self.idle = idle
    }

    /// The wait after a message's `polls`-th poll.
    func delay(afterPoll polls: Int) -> Duration {
        delays[min(max(polls, 0), delays.count - 1)]
    }
}
