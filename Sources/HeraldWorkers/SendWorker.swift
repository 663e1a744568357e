import Foundation
import HeraldBus
import HeraldCore
import HeraldProviders
import HeraldStore
import Logging
import Metrics

/// One channel's way out: hands a claimed message to its provider.
public protocol ChannelSender: Sendable {
    /// The claimed messages of a batch; the outcomes in the same order.
    func send(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome]
}

/// Sends rendered messages of one channel. Each message is claimed (`rendered` -> `sending`) before it goes to the
/// provider, so a redelivered job never sends a message already sent or being sent. A message left in `sending` by a
/// crash is the ambiguous case (the provider may have taken it): it is not retried blindly but stays visible in that
/// state. Temporary refusals retry with backoff (no sooner than the provider's `Retry-After`); permanent ones fail the
/// message with the provider's reason.
public struct SendWorker: Sendable {
    let messages: MessageRepository
    let bus: BusClient
    let sender: any ChannelSender
    /// SMS: where sent messages join the delivery-status poller's schedule.
    let polling: SMSPolling?
    let logger: Logger
    let settler: JobSettler
    let sent: Counter
    let failed: Counter
    let retried: Counter

    public init(
        channel: MessageChannel, messages: MessageRepository, bus: BusClient, sender: any ChannelSender,
        polling: SMSPolling? = nil, topology: Topology, logger: Logger
    ) {
        let stage: Stage = channel == .email ? .sendEmail : .sendSMS
        settler = JobSettler(
            stage: stage, waitingState: .rendered, bus: bus, messages: messages, topology: topology, logger: logger)
        self.messages = messages
        self.bus = bus
        self.sender = sender
        self.polling = polling
        self.logger = logger
        sent = Counter(label: "herald_messages_sent_total", dimensions: [("channel", channel.rawValue)])
        failed = Counter(label: "herald_messages_failed_total", dimensions: [("stage", stage.routingKey)])
        retried = Counter(label: "herald_send_retries_total", dimensions: [("channel", channel.rawValue)])
    }

    public func handle(_ deliveries: [BusDelivery]) async {
        let jobs = await settler.decode(deliveries)
        guard !jobs.isEmpty else { return }
        let claimed: [OutgoingMessage]
        do {
            claimed = try await messages.claimForSending(jobs.flatMap(\.job.messageIDs))
        } catch {
            logger.warning("could not claim messages; retrying", metadata: ["error": "\(StoreError.describe(error))"])
            for (job, delivery) in jobs { await settler.retryOrDead(delivery, job: job, error: StoreError.describe(error)) }
            return
        }
        // Messages not claimed are duplicates (already sending or sent) or were failed or cancelled meanwhile:
        // nothing to do for them.
        let outcomes = Dictionary(
            zip(claimed.map(\.id), await sender.send(claimed)), uniquingKeysWith: { first, _ in first })

        var accepted: [(id: UUID, providerID: String)] = []
        var failures: [(id: UUID, reason: String)] = []
        for (id, outcome) in outcomes {
            switch outcome {
            case .accepted(let providerID): accepted.append((id, providerID))
            case .permanent(let reason): failures.append((id, reason))
            case .transient: continue
            }
        }
        do {
            try await messages.markSent(accepted, polling: polling)
            sent.increment(by: accepted.count)
        } catch {
            // The provider has the messages; only the record is missing. They stay `sending` (ambiguous) rather than
            // being sent again.
            logger.error("sent messages but could not record it", metadata: ["error": "\(StoreError.describe(error))", "messages.count": "\(accepted.count)"])
        }
        var settled = true
        for (id, reason) in failures {
            failed.increment()
            do {
                try await messages.transition([id], from: .sending, to: .failed, detail: reason)
            } catch {
                // Left unacked, the job comes back when the connection does; the message stays `sending`.
                settled = false
                logger.error("could not record a failed message", metadata: ["message.id": "\(id)", "error": "\(StoreError.describe(error))"])
            }
        }

        // Each job is acked once all its messages are settled; those refused for now go on as a job of their own,
        // through the delay queue, no sooner than the provider asked.
        for (job, delivery) in jobs {
            var retry: [UUID] = []
            var reasons: [String] = []
            var notBefore: Duration?
            for id in job.messageIDs {
                guard case .transient(let reason, let retryAfter) = outcomes[id] else { continue }
                retried.increment()
                do {
                    try await messages.releaseForRetry(id, error: reason)
                } catch {
                    logger.error("could not release a message for retry", metadata: ["message.id": "\(id)", "error": "\(StoreError.describe(error))"])
                    continue
                }
                retry.append(id)
                reasons.append(reason)
                if let retryAfter { notBefore = max(notBefore ?? .zero, retryAfter) }
            }
            var jobSettled = settled
            if !retry.isEmpty {
                jobSettled = await settler.retryOrDead(
                    delivery, job: job, error: reasons.first ?? "", notBefore: notBefore, only: Job(messageIDs: retry))
                    && jobSettled
            }
            if jobSettled { bus.ack(delivery) }
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
