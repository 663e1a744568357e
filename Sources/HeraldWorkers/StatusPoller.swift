import Foundation
import HeraldCore
package import HeraldProviders
package import HeraldRuntime
package import HeraldStore
package import Logging
import Metrics
import ServiceLifecycle

/// The delivery-status poller: claims sent SMS that are due (a leased batch, `SKIP LOCKED`, so replicas share the
/// work and never poll one message at once), asks Tyntec for each one's state, and writes only what changed: a
/// final state with its event, or the next poll time. `ACCEPTED`/`BUFFERED` keep polling with growing gaps; no final
/// answer by the end of the validity window makes the message `undeliverable`. A 429 slows the whole poller down
/// (smaller batches, a pause) and does not count as a poll.
package struct StatusPoller: Service {
    let polls: SMSPollRepository
    let client: any SMSProvider
    let configuration: PollerConfiguration
    let logger: Logger
    let watchdog: Watchdog
    let polled = Counter(label: "herald_status_polls_total")
    let finished = Counter(label: "herald_status_final_total")
    let throttled = Counter(label: "herald_status_throttled_total")

    package init(
        polls: SMSPollRepository, client: any SMSProvider, configuration: PollerConfiguration, watchdog: Watchdog = .off,
        logger: Logger
    ) {
        self.watchdog = watchdog
        self.polls = polls
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// Two rounds run at once, so that one polls the provider while the other waits on the database; `SKIP LOCKED`
    /// keeps them apart as it keeps replicas apart.
    package func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<2 { group.addTask { await rounds() } }
        }
    }

    private func rounds() async {
        var batchSize = configuration.batchSize
        await repeatUntilShutdown("poll round", watchdog: watchdog) {
            do {
                let round = try await pollOnce(limit: batchSize)
                if let slowDown = round.slowDown {
                    // The provider is rationing us: halve the pace and wait as long as it asked.
                    batchSize = max(1, batchSize / 2)
                    logger.warning("provider asked to slow down", metadata: ["batch": "\(batchSize)", "pause": "\(slowDown)"])
                    return slowDown
                }
                batchSize = min(configuration.batchSize, batchSize * 2)
                return round.claimed < batchSize ? configuration.idle : .zero
            } catch {
                logger.warning("poll round failed", metadata: ["error": "\(ProcessRuntime.describe(error))"])
                return .seconds(1)
            }
        }
    }

    /// One round: claim, poll, record. Returns how many were claimed and the longest `Retry-After` seen on a 429.
    @discardableResult
    package func pollOnce(limit: Int) async throws -> (claimed: Int, slowDown: Duration?) {
        let due = try await polls.claimDue(limit: limit, lease: configuration.lease)
        guard !due.isEmpty else { return (0, nil) }
        let results = await withTaskGroup(of: (DuePoll, DeliveryStatus).self) { group in
            var results: [(DuePoll, DeliveryStatus)] = []
            var next = due.makeIterator()
            for _ in 0..<min(configuration.concurrency, due.count) {
                if let poll = next.next() { group.addTask { (poll, await client.status(requestID: poll.requestID)) } }
            }
            while let result = await group.next() {
                results.append(result)
                if let poll = next.next() { group.addTask { (poll, await client.status(requestID: poll.requestID)) } }
            }
            return results
        }
        polled.increment(by: results.count)

        let decisions = PollDecisions(results, now: Date(), configuration: configuration)
        for (id, reason) in decisions.failedPolls {
            logger.warning("status poll failed", metadata: ["message.id": "\(id)", "error": "\(reason)"])
        }
        let (final, again, slowed, slowDown) = (decisions.final, decisions.again, decisions.slowed, decisions.slowDown)
        try await polls.finish(final)
        try await polls.reschedule(again)
        try await polls.reschedule(slowed, uncount: true)
        finished.increment(by: final.count)
        throttled.increment(by: slowed.count)
        return (due.count, slowDown)
    }
}
