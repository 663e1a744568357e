import Foundation
import HeraldProviders
package import Logging

/// What the sandbox does, with `--bounce-smtp`, for a recipient whose local part starts with `bounce`: it takes the
/// mail (250), then sends the envelope sender (the Return-Path) a delivery status notification (RFC 3464, in
/// Postfix's shape: a 5.1.1 failure with the original header fields) over SMTP, as a receiving MTA would; so the demo
/// shows a bounce coming back through herald-inbound.
package final class Bouncer: Sendable {
    let sender: SMTPSender
    let logger: Logger

    /// `url`: `smtp://host:port` of the server the bounce domain's MX points at (herald-inbound).
    package init(url: String, logger: Logger) throws {
        sender = try SMTPSender(configuration: SMTPConfiguration(
            url: url, tls: SMTPConfiguration.TLS.none, caFile: nil, timeout: .seconds(10), connections: 2))
        self.logger = logger
    }

    package static func wantsBounce(_ recipient: String) -> Bool {
        recipient.split(separator: "@").first.map { $0.lowercased().hasPrefix("bounce") } ?? false
    }

    func bounce(sender envelopeSender: String, recipients: [String], original: [UInt8]) {
        guard !envelopeSender.isEmpty else { return }
        let envelopes = recipients.map { recipient in
            SMTPSender.Envelope(
                from: "", to: envelopeSender,
                data: Self.notification(to: envelopeSender, recipient: recipient, original: original), messageID: recipient)
        }
        let sender = sender
        let logger = logger
        Task {
            await sender.send(envelopes: envelopes) { _, outcome in
                if case .accepted = outcome { return }
                logger.warning("a bounce was not taken: \(outcome)")
            }
        }
    }

    /// A DSN for `recipient`: a human part, the `message/delivery-status` part and the original's header fields.
    package static func notification(to sender: String, recipient: String, original: [UInt8], status: String = "5.1.1") -> [UInt8] {
        let boundary = "herald-sandbox-\(UUID().uuidString.prefix(8))"
        let header = original.prefix(16 << 10).split(separator: 10, omittingEmptySubsequences: false)
            .prefix { !($0.isEmpty || $0 == [13]) }
            .map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
        return Array("""
            From: Mail Delivery System <MAILER-DAEMON@herald-sandbox.localhost>\r
            To: \(sender)\r
            Subject: Undelivered Mail Returned to Sender\r
            Auto-Submitted: auto-replied\r
            MIME-Version: 1.0\r
            Content-Type: multipart/report; report-type=delivery-status; boundary="\(boundary)"\r
            \r
            --\(boundary)\r
            Content-Type: text/plain; charset=us-ascii\r
            \r
            Your message could not be delivered to <\(recipient)>: no such user here.\r
            \r
            --\(boundary)\r
            Content-Type: message/delivery-status\r
            \r
            Reporting-MTA: dns; herald-sandbox.localhost\r
            \r
            Final-Recipient: rfc822; \(recipient)\r
            Original-Recipient: rfc822;\(recipient)\r
            Action: failed\r
            Status: \(status)\r
            Diagnostic-Code: smtp; 550 \(status) <\(recipient)>: Recipient address rejected: User unknown\r
            \r
            --\(boundary)\r
            Content-Type: text/rfc822-headers\r
            \r
            \(header)\r
            --\(boundary)--\r

            """.utf8)
    }
}
