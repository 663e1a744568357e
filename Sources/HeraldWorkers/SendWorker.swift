import Foundation
package import HeraldBus
package import HeraldCore
import HeraldProviders
package import HeraldStore
package import Logging
package import HeraldRuntime
import Metrics
import Synchronization

/// Sends rendered messages of one channel. Messages are claimed (`rendered` -> `sending`, one more attempt) a small
/// slice at a time, just before they go to the provider, and outcomes are recorded as they come (every
/// `flushInterval` while a slice is under way): a crash strands only the slices in flight, never the whole batch, and the sweeper resolves what it strands
/// (a message stays in `sending` until then: the provider may have it). A redelivered job never sends a message
/// already sent or being sent, since claims are conditional. Temporary refusals retry with backoff (no sooner than
/// the provider's `Retry-After`); permanent ones fail the message with the provider's reason.
package struct SendWorker: Sendable {
    let messages: PipelineStore
    let bus: BusClient
    let sender: any ChannelSender
    /// SMS: where sent messages join the delivery-status poller's schedule.
    let polling: SMSPolling?
    let logger: Logger
    let settler: JobSettler
    let slice: Int
    let window: Int
    /// How often what a slice has so far is recorded while the rest is still with the provider.
    let flushInterval: Duration
    let sent: Counter
    let failed: Counter
    let retried: Counter
    let providerTime: Timer
    let acceptToSent: Timer
    let warnings: RateLimitedLog
    /// Messages that ended `suppressed` when claimed, by the reason of their suppression.
    let suppressed: [String: Counter]

    package init(
        channel: MessageChannel, infrastructure: Infrastructure, sender: any ChannelSender, polling: SMSPolling? = nil,
        topology: Topology, slice: Int = 16, window: Int = 3, flushInterval: Duration = .milliseconds(200), logger: Logger
    ) {
        let stage = Stage.send(channel)
        settler = JobSettler(stage: stage, waitingState: .rendered, infrastructure: infrastructure, topology: topology, logger: logger)
        messages = PipelineStore(database: infrastructure.database, logger: logger)
        bus = infrastructure.bus
        self.sender = sender
        self.polling = polling
        self.logger = logger
        self.slice = max(slice, 1)
        self.window = max(window, 1)
        self.flushInterval = flushInterval
        sent = Counter(label: "herald_messages_total", dimensions: [("stage", stage.rawValue), ("channel", channel.rawValue), ("outcome", "sent")])
        failed = Counter(label: "herald_messages_total", dimensions: [("stage", stage.rawValue), ("channel", channel.rawValue), ("outcome", "failed")])
        retried = Counter(label: "herald_messages_total", dimensions: [("stage", stage.rawValue), ("channel", channel.rawValue), ("outcome", "retried")])
        providerTime = Timer(label: "herald_provider_call_seconds", dimensions: [("channel", channel.rawValue)], preferredDisplayUnit: .seconds)
        acceptToSent = Timer(label: "herald_accept_to_sent_seconds", dimensions: [("channel", channel.rawValue)], preferredDisplayUnit: .seconds)
        warnings = RateLimitedLog(logger: logger, interval: .seconds(10))
        suppressed = Dictionary(uniqueKeysWithValues: Suppression.Reason.allCases.map { reason in
            (reason.rawValue, Counter(label: "herald_suppressed_messages_total", dimensions: [("channel", channel.rawValue), ("reason", reason.rawValue)]))
        })
    }

    /// What became of one slice.
    struct SliceResult: Sendable {
        var outcomes: [UUID: DeliveryOutcome] = [:]
        /// Messages not claimed because the database failed: still `rendered`, they go on with the retry.
        var unclaimed: [UUID] = []
        var claimError: String?
        /// Whether every outcome was recorded (if not, the job is left unacked to come back).
        var recorded = true
    }

    package func handle(_ deliveries: [BusDelivery]) async {
        let jobs = await settler.decode(deliveries)
        guard !jobs.isEmpty else { return }
        let ids = jobs.flatMap(\.job.messageIDs)
        let slices = stride(from: 0, to: ids.count, by: slice).map { Array(ids[$0..<min($0 + slice, ids.count)]) }
        var result = SliceResult()
        await withTaskGroup(of: SliceResult.self) { group in
            var next = 0
            for _ in 0..<min(window, slices.count) {
                let ids = slices[next]
                group.addTask { await send(ids) }
                next += 1
            }
            for await done in group {
                result.outcomes.merge(done.outcomes) { first, _ in first }
                result.unclaimed += done.unclaimed
                result.claimError = result.claimError ?? done.claimError
                result.recorded = result.recorded && done.recorded
                if next < slices.count {
                    let ids = slices[next]
                    group.addTask { await send(ids) }
                    next += 1
                }
            }
        }
        await settle(jobs, result)
        await settler.finished(jobs)
    }

    /// Claims one slice, hands it to the provider and records outcomes as they come: what has an outcome is recorded
    /// every `flushInterval` and the rest at the end, so one slow message keeps no other of its slice in `sending`.
    /// Refusals for now are left to `settle`, which retries them per job.
    func send(_ ids: [UUID]) async -> SliceResult {
        var result = SliceResult()
        let claimed: [OutgoingMessage]
        do {
            let claim = try await messages.claimForSending(ids)
            claimed = claim.messages
            for reason in claim.suppressed { suppressed[reason]?.increment() }
        } catch {
            result.unclaimed = ids
            result.claimError = ProcessRuntime.describe(error)
            warnings.warning("could not claim messages; retrying", metadata: ["error": "\(result.claimError!)"])
            return result
        }
        // Messages not claimed are duplicates (already sending or sent) or were failed or cancelled meanwhile:
        // nothing to do for them.
        guard !claimed.isEmpty else { return result }
        let started = ContinuousClock.now
        let reported = Reported()
        let (ticks, tick) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await sender.send(claimed) { index, outcome in reported.add(index, outcome) }
                tick.finish()
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: flushInterval)
                    tick.yield()
                }
            }
            for await _ in ticks {
                await record(reported.take(), of: claimed, into: &result)
            }
            group.cancelAll()
        }
        await record(reported.take(), of: claimed, into: &result)
        providerTime.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        return result
    }

    /// Records sent and permanently refused messages; keeps every outcome in `result` for `settle`.
    func record(
        _ reported: [(index: Int, outcome: DeliveryOutcome)], of claimed: [OutgoingMessage], into result: inout SliceResult
    ) async {
        guard !reported.isEmpty else { return }
        var accepted: [(id: UUID, providerID: String)] = []
        var acceptedAt: [Date] = []
        var failures: [(id: UUID, reason: String)] = []
        for (index, outcome) in reported {
            let message = claimed[index]
            guard result.outcomes[message.id] == nil else { continue }
            result.outcomes[message.id] = outcome
            switch outcome {
            case .accepted(let providerID):
                accepted.append((message.id, providerID))
                acceptedAt.append(message.createdAt)
            case .permanent(let reason): failures.append((message.id, reason))
            case .transient: continue
            }
        }
        do {
            try await messages.markSent(accepted, polling: polling)
            sent.increment(by: accepted.count)
            let now = Date()
            for createdAt in acceptedAt { acceptToSent.recordNanoseconds(Int64(now.timeIntervalSince(createdAt) * 1e9)) }
        } catch {
            // The provider has the messages; only the record is missing. They stay `sending` (ambiguous), for the
            // sweeper to resolve by policy, rather than being sent again now.
            logger.error("sent messages but could not record it", metadata: ["error": "\(ProcessRuntime.describe(error))", "messages.count": "\(accepted.count)"])
        }
        for (id, reason) in failures {
            failed.increment()
            warnings.warning("provider refused a message for good", metadata: ["message.id": "\(id)", "reason": "\(reason)"])
            do {
                try await messages.transition([id], from: .sending, to: .failed, detail: reason)
            } catch {
                // Left unacked, the job comes back when the connection does; the message stays `sending`.
                result.recorded = false
                logger.error("could not record a failed message", metadata: ["message.id": "\(id)", "error": "\(ProcessRuntime.describe(error))"])
            }
        }
    }

    /// Each job is acked once all its messages are settled; those refused for now (or not claimed because the
    /// database failed) go on as a job of their own, through the delay queue, no sooner than the provider asked.
    func settle(_ jobs: [(job: Job, delivery: BusDelivery)], _ result: SliceResult) async {
        let unclaimed = Set(result.unclaimed)
        for (job, delivery) in jobs {
            let plan = RetryPlan(job: job, outcomes: result.outcomes, unclaimed: unclaimed)
            var retry = plan.unclaimed
            var reasons = Array(repeating: result.claimError ?? "not claimed", count: plan.unclaimed.count)
            // The attempts of this round each message has had: a job may travel in two copies (the relay publishes
            // again what the broker did not confirm in time), each counting its own attempts, so the retry counts
            // the messages' instead, which both copies share. Each message then ends `dead` after its last attempt
            // whichever copy made it.
            var rounds: [Int] = []
            for (id, reason) in plan.refused {
                retried.increment()
                do {
                    rounds.append(try await messages.releaseForRetry(id, error: reason))
                } catch {
                    logger.error("could not release a message for retry", metadata: ["message.id": "\(id)", "error": "\(ProcessRuntime.describe(error))"])
                    continue
                }
                retry.append(id)
                reasons.append(reason)
            }
            let notBefore = plan.notBefore
            var settled = result.recorded
            if !retry.isEmpty {
                warnings.warning("provider refused messages for now; retrying", metadata: [
                    "messages.count": "\(retry.count)", "reason": "\(reasons.first ?? "")",
                ])
                settled = await settler.retryOrDead(
                    delivery, job: job, error: reasons.first ?? "", notBefore: notBefore,
                    attempted: plan.unclaimed.isEmpty ? rounds.min() ?? 0 : 0,
                    only: Job(messageIDs: retry, ledger: job.ledger)) && settled
            }
            if settled { bus.ack(delivery) }
        }
    }
}

/// Outcomes a provider reported from its own threads, taken by the worker as it records them.
final class Reported: Sendable {
    private let items = Mutex<[(index: Int, outcome: DeliveryOutcome)]>([])

    func add(_ index: Int, _ outcome: DeliveryOutcome) {
        items.withLock { $0.append((index, outcome)) }
    }

    func take() -> [(index: Int, outcome: DeliveryOutcome)] {
        items.withLock { items in
            defer { items.removeAll(keepingCapacity: true) }
            return items
        }
    }
}
