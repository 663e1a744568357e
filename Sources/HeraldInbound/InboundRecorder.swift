import HeraldPipeline
import Foundation
import HeraldRuntime
package import HeraldStore
package import Logging
import Metrics
import HeraldProviders

/// Reads each mail herald-inbound receives and records what it says about the messages its recipients name,
/// counting every one in `herald_inbound_reports_total{kind}` (one log line each at debug only: at thousands a
/// second they would be the process's main work). What the mail quotes (addresses, diagnostics) goes to the
/// database and the tenant's callbacks, never to a log.
package struct InboundRecorder: Sendable {
    /// Reports arriving together (over several SMTP sessions) share one statement.
    let reports: GroupCommit<UUID, EmailReport, BounceStore.Outcome>
    let suppressions: SuppressionStore
    let logger: Logger

    package init(store: BounceStore, suppressions: SuppressionStore, hardBounceSuppression: Duration?, logger: Logger) {
        reports = GroupCommit(missing: .unknownMessage, key: \.messageID) { batch in
            try await store.apply(batch, hardBounceSuppression: hardBounceSuppression)
        }
        self.suppressions = suppressions
        self.logger = logger
    }

    /// `bounceDomain` is the fleet's: a report to any other (a tenant's return-path domain) counts only for that
    /// tenant's messages.
    package func record(_ mail: [UInt8], recipients: [InboundSession.Recipient], bounceDomain: String) async throws {
        let report = InboundReport.read(mail[...])
        for recipient in recipients {
            let id = recipient.messageID
            if recipient.kind == .unsubscribe {
                // Whatever the mail says: writing to the address is the request (RFC 2369's mailto).
                let found = try await suppressions.unsubscribe(messageID: id)
                Self.count(found ? "unsubscribe" : "dropped")
                logger.debug(found ? "unsubscribe recorded" : "an unsubscribe dropped", metadata: ["message": "\(id)"])
                continue
            }
            guard var emailReport = Self.emailReport(report, messageID: id) else {
                if case .other(let why) = report { logger.debug("dropped a mail to a bounce address", metadata: ["message": "\(id)", "why": "\(why)"]) }
                Self.count("dropped")
                continue
            }
            emailReport.returnPathDomain = recipient.domain == bounceDomain ? nil : recipient.domain
            let outcome = try await reports.apply(emailReport)
            switch outcome {
            case .applied, .unchanged:
                Self.count(report.kind)
                logger.debug("\(report.kind) recorded", metadata: ["message": "\(id)", "outcome": "\(outcome.rawValue)"])
            case .recipientMismatch, .unknownMessage, .foreignDomain:
                Self.count("dropped")
                logger.debug("a \(report.kind) dropped", metadata: ["message": "\(id)", "outcome": "\(outcome.rawValue)"])
            }
        }
    }

    static func emailReport(_ report: InboundReport, messageID: UUID) -> EmailReport? {
        switch report {
        case .bounce(let status):
            EmailReport(messageID: messageID, kind: .bounce, recipients: status.recipients, detail: detail("bounced", status))
        case .delay(let status):
            EmailReport(messageID: messageID, kind: .delay, recipients: status.recipients, detail: detail("delayed", status))
        case .complaint(let complaint):
            EmailReport(
                messageID: messageID, kind: .complaint, recipients: complaint.recipients,
                detail: "complaint: \(complaint.feedbackType)" + (complaint.userAgent.map { " (\($0.prefix(100)))" } ?? ""))
        case .other:
            nil
        }
    }

    /// `bounced: 5.1.1 smtp; 550 5.1.1 <…>: Recipient address rejected`
    static func detail(_ what: String, _ status: InboundReport.RecipientStatus) -> String {
        "\(what): \(status.status)" + (status.diagnostic.map { " \($0)" } ?? "")
    }

    static let counters = Dictionary(uniqueKeysWithValues: ["bounce", "delay", "complaint", "unsubscribe", "dropped"].map {
        ($0, Counter(label: "herald_inbound_reports_total", dimensions: [("kind", $0)]))
    })

    static func count(_ kind: String) {
        counters[kind]?.increment()
    }
}
