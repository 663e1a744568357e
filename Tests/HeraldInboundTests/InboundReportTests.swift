import Foundation
import HeraldInbound
import Testing

/// Reports as MTAs and mailbox providers send them (the DSN is Postfix's shape, the ARF report RFC 5965's example).
@Suite("Reading bounces and complaints")
struct InboundReportTests {
    static func postfixDSN(action: String = "failed", status: String = "5.1.1", recipient: String = "nobody@example.com") -> String {
        """
        Return-Path: <>\r
        From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\r
        Subject: Undelivered Mail Returned to Sender\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type=delivery-status;\r
        \tboundary="4B1A.1700000000/mx.example.com"\r
        \r
        This is a MIME-encapsulated message.\r
        \r
        --4B1A.1700000000/mx.example.com\r
        Content-Description: Notification\r
        Content-Type: text/plain; charset=us-ascii\r
        \r
        I'm sorry to have to inform you that your message could not be delivered.\r
        \r
        --4B1A.1700000000/mx.example.com\r
        Content-Description: Delivery report\r
        Content-Type: message/delivery-status\r
        \r
        Reporting-MTA: dns; mx.example.com\r
        X-Postfix-Queue-ID: 4B1A\r
        Arrival-Date: Thu,  3 Dec 2026 19:00:00 +0000 (UTC)\r
        \r
        Final-Recipient: rfc822; \(recipient)\r
        Original-Recipient: rfc822;\(recipient.uppercased())\r
        Action: \(action)\r
        Status: \(status)\r
        Diagnostic-Code: x-unix; user unknown. Command output: no such\r
        \tmailbox\r
        \r
        --4B1A.1700000000/mx.example.com\r
        Content-Description: Undelivered Message Headers\r
        Content-Type: text/rfc822-headers\r
        \r
        Subject: Hello\r
        \r
        --4B1A.1700000000/mx.example.com--\r

        """
    }

    static let arf = """
        From: <abusedesk@example.com>\r
        Date: Thu, 8 Mar 2005 17:40:36 EDT\r
        Subject: FW: Earn money\r
        To: <abuse@example.net>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type=feedback-report;\r
             boundary="part1_13d.2e68ed54_boundary"\r
        \r
        --part1_13d.2e68ed54_boundary\r
        Content-Type: text/plain; charset="US-ASCII"\r
        Content-Transfer-Encoding: 7bit\r
        \r
        This is an email abuse report for an email message received from IP\r
        \r
        --part1_13d.2e68ed54_boundary\r
        Content-Type: message/feedback-report\r
        \r
        Feedback-Type: abuse\r
        User-Agent: SomeGenerator/1.0\r
        Version: 1\r
        Original-Mail-From: <somespammer@example.net>\r
        Original-Rcpt-To: <User@example.com>\r
        \r
        --part1_13d.2e68ed54_boundary\r
        Content-Type: message/rfc822\r
        Content-Disposition: inline\r
        \r
        From: <somespammer@example.net>\r
        Subject: Earn money\r
        \r
        Spam Spam Spam\r
        --part1_13d.2e68ed54_boundary--\r

        """

    static func read(_ text: String) -> InboundReport {
        InboundReport.read(Array(text.utf8)[...])
    }

    @Test("a permanent failure is a bounce with its status, its recipients and its unfolded diagnostic")
    func bounce() {
        guard case .bounce(let status) = Self.read(Self.postfixDSN()) else {
            Issue.record("not a bounce: \(Self.read(Self.postfixDSN()))")
            return
        }
        #expect(status.status == "5.1.1")
        #expect(status.recipients == ["nobody@example.com", "nobody@example.com"])
        #expect(status.diagnostic == "x-unix; user unknown. Command output: no such mailbox")
    }

    @Test("a delay, or a failure with a 4.x.x status, is a delay")
    func delays() {
        #expect(Self.read(Self.postfixDSN(action: "delayed", status: "4.4.1")).kind == "delay")
        #expect(Self.read(Self.postfixDSN(action: "failed", status: "4.2.2")).kind == "delay")
    }

    @Test("a delivery or relay notice changes nothing")
    func deliveredNotice() {
        #expect(Self.read(Self.postfixDSN(action: "delivered", status: "2.0.0")).kind == "dropped")
        #expect(Self.read(Self.postfixDSN(action: "relayed", status: "2.0.0")).kind == "dropped")
    }

    @Test("an ARF abuse report is a complaint naming its original recipient")
    func complaint() {
        #expect(Self.read(Self.arf) == .complaint(.init(feedbackType: "abuse", recipients: ["user@example.com"], userAgent: "SomeGenerator/1.0")))
        #expect(Self.read(Self.arf.replacingOccurrences(of: "Feedback-Type: abuse", with: "Feedback-Type: not-spam")).kind == "dropped")
    }

    @Test("auto-replies, plain text bounces and malformed reports are dropped, none crashes")
    func dropped() {
        #expect(Self.read("Subject: Out of office\r\n\r\nI am away.\r\n").kind == "dropped")
        #expect(Self.read("").kind == "dropped")
        #expect(Self.read("Content-Type: multipart/report; report-type=delivery-status\r\n\r\nno boundary").kind == "dropped")
        #expect(Self.read(Self.postfixDSN().replacingOccurrences(of: "Status: 5.1.1\r\n", with: "")).kind == "dropped")
        let truncated = String(Self.postfixDSN().prefix(700))
        #expect(Self.read(truncated).kind == "dropped")
        let bomb = String(repeating: "X-Header: a\r\n", count: 10_000) + "\r\nbody"
        #expect(Self.read(bomb) == .other("malformed: tooManyHeaderFields"))
        var bytes = Array(Self.postfixDSN().utf8)
        for index in stride(from: 0, to: bytes.count, by: 7) { bytes[index] = 0xFF }
        _ = InboundReport.read(bytes[...])
    }

    @Test("a base64 delivery-status part is decoded")
    func base64Part() {
        let fields = "Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.2.1\r\n"
        let mail = """
            Content-Type: multipart/report; report-type=delivery-status; boundary=XX\r
            \r
            --XX\r
            Content-Type: message/delivery-status\r
            Content-Transfer-Encoding: base64\r
            \r
            \(Data(fields.utf8).base64EncodedString())\r
            --XX--\r

            """
        guard case .bounce(let status) = Self.read(mail) else {
            Issue.record("not a bounce")
            return
        }
        #expect(status.status == "5.2.1")
        #expect(status.recipients == ["a@b.example"])
    }
}
