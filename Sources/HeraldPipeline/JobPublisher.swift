import HeraldRuntime
package import HeraldBus
import HeraldCore
package import HeraldStore
package import Logging
import Metrics

/// Publishes the jobs of a publication recorded in the job ledger and records the broker's confirmation. Nothing is
/// lost when that fails or the process dies first: the sweeper publishes unconfirmed rows after the grace period.
package struct JobPublisher: Sendable {
    let bus: BusClient
    let ledger: JobLedger
    let logger: Logger
    let failures = Counter(label: "herald_publish_failures_total")

    package init(bus: BusClient, ledger: JobLedger, logger: Logger) {
        self.bus = bus
        self.ledger = ledger
        self.logger = logger
    }

    /// Returns whether the broker confirmed the jobs.
    @discardableResult
    package func publish(_ publication: PendingPublication?) async -> Bool {
        guard let publication else { return true }
        do {
            try await bus.publishJobs(for: publication.messageIDs, to: publication.stage, ledger: publication.ledgerRow)
        } catch {
            failures.increment()
            logger.warning("jobs not confirmed by the broker; the sweeper will publish them", metadata: [
                "stage": "\(publication.stage.rawValue)", "messages.count": "\(publication.messageIDs.count)",
                "error": "\(ProcessRuntime.describe(error))",
            ])
            return false
        }
        do {
            try await ledger.confirmed(publication)
        } catch {
            // Published, only the mark is missing: the sweeper publishes them once more, which is harmless.
            logger.warning("could not record a confirmed publication", metadata: ["error": "\(ProcessRuntime.describe(error))"])
        }
        return true
    }
}
