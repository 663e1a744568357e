import Foundation
import HeraldBus
import HeraldCore
import HeraldProviders
import HeraldStore
import Logging
import Metrics

/// Sends rendered emails. Each message is claimed (`rendered` -> `sending`) before the SMTP transaction, so a
/// redelivered job never sends a message already sent or being sent. A message left in `sending` by a crash is the
/// ambiguous case (the server may have taken it): it is not retried blindly but stays visible in that state.
public struct EmailWorker: Sendable {
    let messages: MessageRepository
    let bus: BusClient
    let provider: any EmailProvider
    let from: MIMEMessage.Mailbox
    let logger: Logger
    let sent = Counter(label: "herald_messages_sent_total", dimensions: [("channel", "email")])
    let failed = Counter(label: "herald_messages_failed_total", dimensions: [("stage", "send.email")])
    let settler: JobSettler
    let retried = Counter(label: "herald_send_retries_total", dimensions: [("channel", "email")])

    public init(
        messages: MessageRepository, bus: BusClient, provider: any EmailProvider, from: MIMEMessage.Mailbox,
        topology: Topology, logger: Logger
    ) {
        settler = JobSettler(
            stage: .sendEmail, waitingState: .rendered, bus: bus, messages: messages, topology: topology, logger: logger)
        self.messages = messages
        self.bus = bus
        self.provider = provider
        self.from = from
        self.logger = logger
    }

    public func handle(_ deliveries: [BusDelivery]) async {
        let jobs = await settler.decode(deliveries)
        guard !jobs.isEmpty else { return }
        let claimed: [OutgoingMessage]
        do {
            claimed = try await messages.claimForSending(jobs.map(\.job.messageID))
        } catch {
            logger.warning("could not claim messages; retrying", metadata: ["error": "\(error)"])
            for (job, delivery) in jobs { await settler.retryOrDead(delivery, messageID: job.messageID, error: "\(error)") }
            return
        }
        let byID = Dictionary(jobs.map { ($0.job.messageID, $0.delivery) }, uniquingKeysWith: { first, _ in first })
        // Jobs for messages not claimed are duplicates (already sending or sent) or for messages that were failed or
        // cancelled meanwhile: nothing to do.
        let claimedIDs = Set(claimed.map(\.id))
        for (job, delivery) in jobs where !claimedIDs.contains(job.messageID) { bus.ack(delivery) }

        let outcomes = await withTaskGroup(of: (UUID, DeliveryOutcome).self) { group in
            for message in claimed {
                group.addTask { (message.id, await provider.send(mime(for: message))) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }

        var accepted: [(id: UUID, providerID: String)] = []
        for case let (id, .accepted(providerID)) in outcomes { accepted.append((id, providerID)) }
        do {
            try await messages.markSent(accepted)
            sent.increment(by: accepted.count)
            for (id, _) in accepted { if let delivery = byID[id] { bus.ack(delivery) } }
        } catch {
            // The mail went out; only the record is missing. The messages stay `sending` (ambiguous) rather than
            // being sent again.
            logger.error("sent mail but could not record it", metadata: ["error": "\(error)", "messages.count": "\(accepted.count)"])
            for (id, _) in accepted { if let delivery = byID[id] { bus.ack(delivery) } }
        }

        for (id, outcome) in outcomes {
            guard let delivery = byID[id] else { continue }
            switch outcome {
            case .accepted:
                continue
            case .permanent(let reason):
                failed.increment()
                do {
                    try await messages.transition([id], from: .sending, to: .failed, detail: reason)
                    bus.ack(delivery)
                } catch {
                    logger.error("could not record a failed message", metadata: ["message.id": "\(id)", "error": "\(error)"])
                }
            case .transient(let reason):
                retried.increment()
                do {
                    try await messages.releaseForRetry(id, error: reason)
                } catch {
                    logger.error("could not release a message for retry", metadata: ["message.id": "\(id)", "error": "\(error)"])
                    continue
                }
                await settler.retryOrDead(delivery, messageID: id, error: reason)
            }
        }
    }

    private func mime(for message: OutgoingMessage) -> MIMEMessage {
        MIMEMessage(
            from: from, to: .init(address: message.toAddress, name: message.toName), subject: message.subject ?? "",
            text: message.text, html: message.html, messageID: MIMEMessage.messageID(for: message.id, from: from.address))
    }
}
