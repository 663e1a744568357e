import Foundation
package import HeraldRuntime
import HeraldStore
package import Logging
import Metrics
import ServiceLifecycle

/// Releases scheduled messages when they come due, and sweeps the job ledger: jobs the broker never confirmed, jobs
/// lost after it did, and messages left in `sending` by a sender that died are found past their deadline and moved
/// on (published again, or resolved by the stale-sending policy). Several replicas share the work: both sweeps lock
/// rows with `SKIP LOCKED`, and a job published twice is harmless because every transition is conditional.
package struct Relay: Service {
    let schedule: ScheduleStore
    let ledger: JobLedger
    let publisher: JobPublisher
    let interval: Duration
    let batchSize: Int
    let logger: Logger
    let watchdog: Watchdog
    let released = Counter(label: "herald_relay_released_total")
    let republished = Counter(label: "herald_sweeper_messages_total", dimensions: [("outcome", "republished")])
    let resent = Counter(label: "herald_sweeper_messages_total", dimensions: [("outcome", "resent")])
    let failedStale = Counter(label: "herald_sweeper_messages_total", dimensions: [("outcome", "failed")])

    package init(infrastructure: Infrastructure, interval: Duration, batchSize: Int, logger: Logger) {
        schedule = ScheduleStore(database: infrastructure.database, logger: logger)
        ledger = infrastructure.ledger(logger: logger)
        publisher = infrastructure.publisher(logger: logger)
        self.interval = interval
        self.batchSize = batchSize
        self.logger = logger
        watchdog = infrastructure.watchdog(logger: logger)
    }

    package func run() async throws {
        await repeatPasses("relay pass", interval: interval, watchdog: watchdog, logger: logger) {
            let (due, publication) = try await schedule.releaseDue(limit: batchSize)
            if let publication {
                released.increment(by: publication.messageIDs.count)
                await publisher.publish(publication)
            }
            let swept = try await sweepOnce()
            return due == batchSize || swept >= batchSize
        }
    }

    /// One pass over the ledger rows past their deadline; returns how many rows it looked at.
    func sweepOnce() async throws -> Int {
        let outcome = try await ledger.sweep(limit: batchSize)
        for publication in outcome.publications { await publisher.publish(publication) }
        republished.increment(by: outcome.republished)
        resent.increment(by: outcome.resent)
        failedStale.increment(by: outcome.failedStale)
        if outcome.republished > 0 {
            logger.warning("published jobs again that were unconfirmed or lost", metadata: ["messages.count": "\(outcome.republished)"])
        }
        if outcome.resent > 0 || outcome.failedStale > 0 {
            logger.warning("resolved messages stale in sending", metadata: [
                "messages.resent": "\(outcome.resent)", "messages.failed": "\(outcome.failedStale)",
            ])
        }
        return outcome.rows
    }
}
