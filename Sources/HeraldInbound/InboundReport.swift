import Foundation
/// What a mail sent back to an email's bounce address says about it: read from a delivery status notification
/// (RFC 3464: `multipart/report; report-type=delivery-status`) or a complaint (ARF, RFC 5965:
/// `report-type=feedback-report`). Anything else (an auto-reply, a human's answer, a malformed report) is
/// `.other`, with why, and changes nothing.
package enum InboundReport: Sendable, Equatable {
    /// The receiving side gave up: `Action: failed` with a 5.x.x status.
    case bounce(RecipientStatus)
    /// Not yet delivered, still tried (`Action: delayed`, or a 4.x.x status).
    case delay(RecipientStatus)
    /// The recipient reported the mail as spam (`Feedback-Type: abuse`, `fraud`, `virus` or `other`).
    case complaint(Complaint)
    case other(String)

    /// One recipient's part of a delivery status notification.
    package struct RecipientStatus: Sendable, Equatable {
        /// `Original-Recipient` and `Final-Recipient` (the address only, lower case), in that order when both.
        package var recipients: [String]
        package var action: String
        /// `5.1.1`
        package var status: String
        /// `Diagnostic-Code`, e.g. `smtp; 550 5.1.1 …`, at most `maxDiagnostic` characters.
        package var diagnostic: String?
    }

    package struct Complaint: Sendable, Equatable {
        package var feedbackType: String
        /// `Original-Rcpt-To`, lower case; often absent (providers redact it).
        package var recipients: [String]
        package var userAgent: String?

        package init(feedbackType: String, recipients: [String], userAgent: String?) {
            self.feedbackType = feedbackType
            self.recipients = recipients
            self.userAgent = userAgent
        }
    }

    package static let maxDiagnostic = 500

    /// The label `herald_inbound_reports_total{kind}` counts it under.
    package var kind: String {
        switch self {
        case .bounce: "bounce"
        case .delay: "delay"
        case .complaint: "complaint"
        case .other: "dropped"
        }
    }

    /// Reads a whole received mail (header and body, as DATA carried it).
    package static func read(_ mail: ArraySlice<UInt8>) -> InboundReport {
        do {
            let entity = try MailEntity(mail)
            let type = entity.contentType
            guard type.type == "multipart/report" else { return .other("not a report (\(type.type))") }
            let parts = try entity.parts()
            switch type.parameters["report-type"]?.lowercased() {
            case "delivery-status", "global-delivery-status":
                guard let status = parts.first(where: { ["message/delivery-status", "message/global-delivery-status"].contains($0.contentType.type) }) else {
                    return .other("a delivery-status report without its message/delivery-status part")
                }
                return deliveryStatus(status.text)
            case "feedback-report":
                guard let feedback = parts.first(where: { $0.contentType.type == "message/feedback-report" }) else {
                    return .other("a feedback report without its message/feedback-report part")
                }
                return complaint(feedback.text)
            case let other:
                return .other("a report of type \(other ?? "none")")
            }
        } catch {
            return .other("malformed: \(error)")
        }
    }

    /// RFC 3464 section 2: per-message fields, a blank line, then one block of fields per recipient.
    static func deliveryStatus(_ text: String) -> InboundReport {
        let blocks = fieldBlocks(text)
        for block in blocks.dropFirst() {
            guard let action = block["action"]?.lowercased(), let status = block["status"] else { continue }
            let code = status.prefix(while: { !$0.isWhitespace && $0 != "(" })
            let recipients = ["original-recipient", "final-recipient"].compactMap { block[$0].flatMap(address(in:)) }
            let recipient = RecipientStatus(
                recipients: recipients, action: action, status: String(code),
                diagnostic: block["diagnostic-code"].map { String($0.prefix(maxDiagnostic)) })
            switch action {
            case "failed" where code.hasPrefix("5."): return .bounce(recipient)
            case "failed", "delayed": return .delay(recipient)
            default: continue
            }
        }
        return .other(blocks.count > 1 ? "a delivery notice that is neither a failure nor a delay" : "no recipient in the delivery status")
    }

    /// RFC 5965 section 3.1; `not-spam` and unknown types change nothing.
    static func complaint(_ text: String) -> InboundReport {
        let fields = fieldBlocks(text).first ?? [:]
        guard let type = fields["feedback-type"]?.lowercased() else { return .other("a feedback report without Feedback-Type") }
        guard ["abuse", "fraud", "virus", "other"].contains(type) else { return .other("a feedback report of type \(type)") }
        return .complaint(Complaint(
            feedbackType: type, recipients: fields["original-rcpt-to"].flatMap(address(in:)).map { [$0] } ?? [],
            userAgent: fields["user-agent"]))
    }

    /// `rfc822; user@example.com` (or a bare address, or `<user@example.com>`) -> `user@example.com`.
    static func address(in field: String) -> String? {
        var value = Substring(field)
        if let semicolon = value.firstIndex(of: ";") { value = value[value.index(after: semicolon)...] }
        let trimmed = value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: .init(charactersIn: "<>"))
        return trimmed.contains("@") ? trimmed.lowercased() : nil
    }

    /// Blocks of `Name: value` fields separated by blank lines (names in lower case, folded values unfolded; the
    /// first of a repeated name wins).
    static func fieldBlocks(_ text: String) -> [[String: String]] {
        var blocks: [[String: String]] = []
        var block: [String: String] = [:]
        var last: String?
        // "\r\n" is one Character in Swift.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !block.isEmpty { blocks.append(block) }
                block = [:]
                last = nil
                continue
            }
            if line.first == " " || line.first == "\t", let name = last {
                block[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            if block[name] == nil { block[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
            last = name
        }
        if !block.isEmpty { blocks.append(block) }
        return blocks
    }
}
