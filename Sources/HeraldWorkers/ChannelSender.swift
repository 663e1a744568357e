import HeraldCore
package import HeraldProviders
package import HeraldStore
import Foundation

/// One channel's way out: hands claimed messages to its provider.
package protocol ChannelSender: Sendable {
    /// Sends the messages, reporting each one's outcome (with its index) as soon as it has one; returns once all
    /// are reported.
    func send(_ messages: [OutgoingMessage], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) async
}

/// Email through an SMTP provider: the MIME message is built here, from the message's (or its tenant's) sender, else
/// the fleet's, and signed by each DKIM key of the From domain. With `bounces`, each email's envelope sender is its
/// own address at the bounce domain (or at the From domain's return-path domain), where herald-inbound learns what
/// became of it.
package struct EmailChannel: ChannelSender {
    let provider: any EmailProvider
    let from: MIMEMessage.Mailbox
    let bounces: BounceAddresses?
    let domains: SenderDomains?
    let links: PublicLinks?

    package init(
        provider: any EmailProvider, from: MIMEMessage.Mailbox, bounces: BounceAddresses? = nil, domains: SenderDomains? = nil,
        links: PublicLinks? = nil
    ) {
        self.provider = provider
        self.from = from
        self.bounces = bounces
        self.domains = domains
        self.links = links
    }

    package func send(_ messages: [OutgoingMessage], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) async {
        let senders = messages.map { message in message.sender.flatMap(MIMEMessage.Mailbox.init(parsing:)) ?? from }
        var entries: [String: SenderDomains.Entry] = [:]
        if let domains {
            do {
                entries = try await domains.entries(for: Set(senders.map(\.domain)))
            } catch {
                // Without the keys a mail would go out unsigned: try again later, as for a provider's 4xx.
                for index in messages.indices { completed(index, .transient("the sending domains could not be read: \(error)")) }
                return
            }
        }
        await provider.send(zip(messages, senders).map { message, sender in
            let entry = entries[sender.domain]
            var mime = MIMEMessage(
                from: sender, to: .init(address: message.toAddress, name: message.toName), subject: message.subject ?? "",
                text: message.text, html: message.html, messageID: MIMEMessage.messageID(for: message.id, from: sender.address),
                envelopeFrom: bounces?.address(for: message.id, at: entry?.returnPathDomain))
            mime.dkimKeys = entry?.keys ?? []
            if message.unsubscribe {
                mime.listUnsubscribe = [links?.unsubscribe(for: message.id),
                                        bounces.map { "mailto:" + $0.address(for: message.id, .unsubscribe, at: entry?.returnPathDomain) + "?subject=unsubscribe" }]
                    .compactMap { $0 }
            }
            return mime
        }, completed: completed)
    }
}

/// SMS through Tyntec, from the message's own sender id or the configured default; with `reports`, each asks
/// Tyntec to push its delivery reports to herald-api.
package struct SMSChannel: ChannelSender {
    let client: any SMSProvider
    let from: String
    let reports: PublicLinks?

    package init(client: any SMSProvider, from: String, reports: PublicLinks? = nil) {
        self.client = client
        self.from = from
        self.reports = reports
    }

    /// Each SMS is its own HTTP request; they go out at once, over the client's connection pool.
    package func send(_ messages: [OutgoingMessage], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for (index, message) in messages.enumerated() {
                group.addTask {
                    // Known only now when the message names no sender: the default may not reach this number.
                    let sender = message.sender ?? from
                    if let refusal = (try? SMSSenderID(sender))?.refusal(to: message.toAddress) {
                        return completed(index, .permanent(refusal))
                    }
                    completed(index, await client.send(SMSSubmission(
                        to: message.toAddress, from: sender, message: message.text,
                        reference: message.id.uuidString.lowercased(), callbackURL: reports?.tyntecReport(for: message.id))))
                }
            }
        }
    }
}
