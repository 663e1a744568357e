import HeraldCore
import HeraldProviders
import HeraldStore

/// One channel's way out: hands claimed messages to its provider.
public protocol ChannelSender: Sendable {
    /// Sends the messages, reporting each one's outcome (with its index) as soon as it has one; returns once all
    /// are reported.
    func send(_ messages: [OutgoingMessage], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) async
}

/// Email through an SMTP provider: the MIME message is built here. With `bounces`, each email's envelope sender
/// is its own address at the bounce domain, where herald-inbound learns what became of it.
public struct EmailChannel: ChannelSender {
    let provider: any EmailProvider
    let from: MIMEMessage.Mailbox
    let bounces: BounceAddresses?

    public init(provider: any EmailProvider, from: MIMEMessage.Mailbox, bounces: BounceAddresses? = nil) {
        self.provider = provider
        self.from = from
        self.bounces = bounces
    }

    public func send(_ messages: [OutgoingMessage], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) async {
        await provider.send(messages.map { message in
            MIMEMessage(
                from: from, to: .init(address: message.toAddress, name: message.toName), subject: message.subject ?? "",
                text: message.text, html: message.html, messageID: MIMEMessage.messageID(for: message.id, from: from.address),
                envelopeFrom: bounces?.address(for: message.id))
        }, completed: completed)
    }
}

/// SMS through Tyntec, from the message's own sender id or the configured default; with `reports`, each asks
/// Tyntec to push its delivery reports to herald-api.
public struct SMSChannel: ChannelSender {
    let client: any SMSProvider
    let from: String
    let reports: TyntecReportURLs?

    public init(client: any SMSProvider, from: String, reports: TyntecReportURLs? = nil) {
        self.client = client
        self.from = from
        self.reports = reports
    }

    /// Each SMS is its own HTTP request; they go out at once, over the client's connection pool.
    public func send(_ messages: [OutgoingMessage], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) async {
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
                        reference: message.id.uuidString.lowercased(), callbackURL: reports?.url(for: message.id))))
                }
            }
        }
    }
}
