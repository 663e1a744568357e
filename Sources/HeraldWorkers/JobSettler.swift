import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import Logging

/// How a stage's worker disposes of jobs it cannot finish: malformed jobs go straight to the dead letters; failed
/// ones are retried with backoff, and after the last attempt dead-lettered with their message marked `dead`. Once a
/// batch is settled, the job ledger rows whose messages are all past the stage are deleted.
struct JobSettler: Sendable {
    let stage: Stage
    /// The state a message waits in while this stage's job for it is pending (or being retried).
    let waitingState: MessageState
    let bus: BusClient
    let messages: PipelineStore
    let ledger: JobLedger
    let topology: Topology
    let logger: Logger

    init(stage: Stage, waitingState: MessageState, infrastructure: Infrastructure, topology: Topology, logger: Logger) {
        self.stage = stage
        self.waitingState = waitingState
        bus = infrastructure.bus
        messages = PipelineStore(database: infrastructure.database, logger: logger)
        ledger = infrastructure.ledger(logger: logger)
        self.topology = topology
        self.logger = logger
    }

    /// Splits deliveries into decodable jobs and the rest, dead-lettering the rest at once (see
    /// `BusClient.decodeJobs`).
    func decode(_ deliveries: [BusDelivery]) async -> [(job: Job, delivery: BusDelivery)] {
        await bus.decodeJobs(deliveries, stage: stage, topology: topology, logger: logger)
    }

    /// Schedules a retry (no sooner than `notBefore`, when the provider asked for that), or dead-letters the job and
    /// marks its messages `dead` after the last attempt. With `only`, just those of the job's messages go on (as a
    /// job of their own) and the delivery is left for the caller to ack. `attempted`: the attempts the messages have
    /// had, when more than the delivery's count. Returns whether the job was settled.
    @discardableResult
    func retryOrDead(
        _ delivery: BusDelivery, job: Job, error: String, notBefore: Duration? = nil, attempted: Int = 0, only part: Job? = nil
    ) async -> Bool {
        do {
            let outcome = try await bus.settleFailure(
                delivery, stage: stage, error: error, retryable: true, notBefore: notBefore, attempted: attempted, only: part,
                topology: topology)
            if case .deadLettered = outcome {
                try await messages.transition((part ?? job).messageIDs, from: waitingState, to: .dead, detail: error)
            }
            return true
        } catch {
            // Unsettled, the delivery returns to the queue when the connection does; the delivery limit bounds that.
            logger.error("could not settle a failed job", metadata: [
                "queue": "\(stage.queue)", "messages.count": "\((part ?? job).messageIDs.count)", "error": "\(ProcessRuntime.describe(error))",
            ])
            return false
        }
    }

    /// Lets the ledger drop the rows of jobs whose messages are all past this stage. A failure here costs nothing
    /// but a later look by the sweeper.
    func finished(_ jobs: [(job: Job, delivery: BusDelivery)]) async {
        let rows = Array(Set(jobs.compactMap(\.job.ledger)))
        guard !rows.isEmpty else { return }
        do {
            try await ledger.settle(rows, stage: stage)
        } catch {
            logger.warning("could not settle job ledger rows", metadata: ["error": "\(ProcessRuntime.describe(error))"])
        }
    }
}
