import Foundation
import HeraldBus
import HeraldCore
import HeraldProviders
import HeraldStore
import Logging
import HeraldServer
import Metrics

/// One channel's way out: hands a claimed message to its provider.
public protocol ChannelSender: Sendable {
    /// The claimed messages of a batch; the outcomes in the same order.
    func send(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome]
}

/// Sends rendered messages of one channel. Messages are claimed (`rendered` -> `sending`, one more attempt) a small
/// slice at a time, just before they go to the provider, and each slice's outcomes are recorded as soon as it is
/// done: a crash strands only the slices in flight, never the whole batch, and the sweeper resolves what it strands
/// (a message stays in `sending` until then: the provider may have it). A redelivered job never sends a message
/// already sent or being sent, since claims are conditional. Temporary refusals retry with backoff (no sooner than
/// the provider's `Retry-After`); permanent ones fail the message with the provider's reason.
public struct SendWorker: Sendable {
    let messages: MessageRepository
    let bus: BusClient
    let sender: any ChannelSender
    /// SMS: where sent messages join the delivery-status poller's schedule.
    let polling: SMSPolling?
    let logger: Logger
    let settler: JobSettler
    let slice: Int
    let window: Int
    let sent: Counter
    let failed: Counter
    let retried: Counter
    let providerTime: Timer
    let acceptToSent: Timer
    let warnings: RateLimitedLog

    public init(
        channel: MessageChannel, infrastructure: Infrastructure, sender: any ChannelSender, polling: SMSPolling? = nil,
        topology: Topology, slice: Int = 16, window: Int = 3, logger: Logger
    ) {
        let stage = Stage.send(channel)
        settler = JobSettler(stage: stage, waitingState: .rendered, infrastructure: infrastructure, topology: topology, logger: logger)
        messages = MessageRepository(database: infrastructure.database, logger: logger)
        bus = infrastructure.bus
        self.sender = sender
        self.polling = polling
        self.logger = logger
        self.slice = max(slice, 1)
        self.window = max(window, 1)
        sent = Counter(label: "herald_messages_total", dimensions: [("stage", stage.rawValue), ("channel", channel.rawValue), ("outcome", "sent")])
        failed = Counter(label: "herald_messages_total", dimensions: [("stage", stage.rawValue), ("channel", channel.rawValue), ("outcome", "failed")])
        retried = Counter(label: "herald_messages_total", dimensions: [("stage", stage.rawValue), ("channel", channel.rawValue), ("outcome", "retried")])
        providerTime = Timer(label: "herald_provider_call_seconds", dimensions: [("channel", channel.rawValue)], preferredDisplayUnit: .seconds)
        acceptToSent = Timer(label: "herald_accept_to_sent_seconds", dimensions: [("channel", channel.rawValue)], preferredDisplayUnit: .seconds)
        warnings = RateLimitedLog(logger: logger, interval: .seconds(10))
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

    public func handle(_ deliveries: [BusDelivery]) async {
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

    /// Claims one slice, hands it to the provider and records the outcomes.
    func send(_ ids: [UUID]) async -> SliceResult {
        var result = SliceResult()
        let claimed: [OutgoingMessage]
        do {
            claimed = try await messages.claimForSending(ids)
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
        let outcomes = await sender.send(claimed)
        providerTime.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        result.outcomes = Dictionary(zip(claimed.map(\.id), outcomes), uniquingKeysWith: { first, _ in first })

        var accepted: [(id: UUID, providerID: String)] = []
        var failures: [(id: UUID, reason: String)] = []
        for (id, outcome) in result.outcomes {
            switch outcome {
            case .accepted(let providerID): accepted.append((id, providerID))
            case .permanent(let reason): failures.append((id, reason))
            case .transient: continue
            }
        }
        do {
            try await messages.markSent(accepted, polling: polling)
            sent.increment(by: accepted.count)
            let now = Date()
            for message in claimed where accepted.contains(where: { $0.id == message.id }) {
                acceptToSent.recordNanoseconds(Int64(now.timeIntervalSince(message.createdAt) * 1e9))
            }
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
        return result
    }

    /// Each job is acked once all its messages are settled; those refused for now (or not claimed because the
    /// database failed) go on as a job of their own, through the delay queue, no sooner than the provider asked.
    func settle(_ jobs: [(job: Job, delivery: BusDelivery)], _ result: SliceResult) async {
        let unclaimed = Set(result.unclaimed)
        for (job, delivery) in jobs {
            var retry: [UUID] = []
            var reasons: [String] = []
            var notBefore: Duration?
            for id in job.messageIDs {
                if unclaimed.contains(id) {
                    retry.append(id)
                    reasons.append(result.claimError ?? "not claimed")
                    continue
                }
                guard case .transient(let reason, let retryAfter) = result.outcomes[id] else { continue }
                retried.increment()
                do {
                    try await messages.releaseForRetry(id, error: reason)
                } catch {
                    logger.error("could not release a message for retry", metadata: ["message.id": "\(id)", "error": "\(ProcessRuntime.describe(error))"])
                    continue
                }
                retry.append(id)
                reasons.append(reason)
                if let retryAfter { notBefore = max(notBefore ?? .zero, retryAfter) }
            }
            var settled = result.recorded
            if !retry.isEmpty {
                warnings.warning("provider refused messages for now; retrying", metadata: [
                    "messages.count": "\(retry.count)", "reason": "\(reasons.first ?? "")",
                ])
                settled = await settler.retryOrDead(
                    delivery, job: job, error: reasons.first ?? "", notBefore: notBefore,
                    only: Job(messageIDs: retry, ledger: job.ledger)) && settled
            }
            if settled { bus.ack(delivery) }
        }
    }
}

/// Email through an SMTP provider: the MIME message is built here.
public struct EmailChannel: ChannelSender {
    let provider: any EmailProvider
    let from: MIMEMessage.Mailbox

    public init(provider: any EmailProvider, from: MIMEMessage.Mailbox) {
        self.provider = provider
        self.from = from
    }

    public func send(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        await provider.send(messages.map { message in
            MIMEMessage(
                from: from, to: .init(address: message.toAddress, name: message.toName), subject: message.subject ?? "",
                text: message.text, html: message.html, messageID: MIMEMessage.messageID(for: message.id, from: from.address))
        })
    }
}

/// SMS through Tyntec, from the message's own sender id or the configured default.
public struct SMSChannel: ChannelSender {
    let client: TyntecClient
    let from: String

    public init(client: TyntecClient, from: String) {
        self.client = client
        self.from = from
    }

    /// Each SMS is its own HTTP request; they go out at once, over the client's connection pool.
    public func send(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        await withTaskGroup(of: (Int, DeliveryOutcome).self) { group in
            for (index, message) in messages.enumerated() {
                group.addTask {
                    (index, await client.send(SMSSubmission(
                        to: message.toAddress, from: message.sender ?? from, message: message.text,
                        reference: message.id.uuidString.lowercased())))
                }
            }
            var outcomes = [DeliveryOutcome](repeating: .transient("not sent"), count: messages.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
    }
}
