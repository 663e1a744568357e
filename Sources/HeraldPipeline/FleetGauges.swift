package import HeraldRuntime
import HeraldBus
import HeraldCore
import HeraldStore
package import Logging
import Metrics
import ServiceLifecycle

/// Gauges of what waits in the fleet, read every `interval`: each work queue's depth and consumers, each stage's dead
/// letters, the tables of scheduled, deferred and pending-poll messages and of jobs in flight (the job ledger, and the
/// part of it past its deadline, which the sweeper is about to resolve), and the messages in `sending`, with those
/// past the sending timeout (a sender died at the provider). Run by `herald-api`.
package struct FleetGauges: Service {
    let infrastructure: Infrastructure
    let counts: OperatorCounts
    let interval: Duration
    let logger: Logger

    package init(infrastructure: Infrastructure, interval: Duration = .seconds(10), logger: Logger) {
        self.infrastructure = infrastructure
        counts = OperatorCounts(database: infrastructure.database, logger: logger)
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        await repeatUntilShutdown {
            await readOnce()
            return interval
        }
    }

    func readOnce() async {
        for queue in Stage.allCases.map(\.queue) + [Topology.intakeQueue, Topology.intakeRefusedQueue] {
            if let (messages, consumers) = try? await infrastructure.bus.queueStatus(queue) {
                Gauge(label: "herald_queue_messages", dimensions: [("queue", queue)]).record(messages)
                Gauge(label: "herald_queue_consumers", dimensions: [("queue", queue)]).record(consumers)
            }
        }
        for stage in Stage.allCases {
            if let (messages, _) = try? await infrastructure.bus.queueStatus(stage.deadLetterQueue) {
                Gauge(label: "herald_dead_letters", dimensions: [("stage", stage.rawValue)]).record(messages)
            }
        }
        do {
            let depths = try await counts.depths(sendingTimeout: infrastructure.recovery.sendingTimeout)
            Gauge(label: "herald_scheduled_messages").record(depths.scheduled)
            Gauge(label: "herald_deferred_messages").record(depths.deferred)
            Gauge(label: "herald_job_ledger_rows").record(depths.ledgerRows)
            Gauge(label: "herald_job_ledger_overdue_rows").record(depths.ledgerOverdue)
            Gauge(label: "herald_sms_polls_pending").record(depths.pendingPolls)
            Gauge(label: "herald_sending_messages").record(depths.sending)
            Gauge(label: "herald_stale_sending_messages").record(depths.staleSending)
        } catch {
            logger.warning("could not read the fleet's depths", metadata: ["error": "\(ProcessRuntime.describe(error))"])
        }
    }
}
