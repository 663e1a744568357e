import Foundation
import HeraldCore
import HeraldStore
import HeraldWorkers
import Testing
import NIOHTTP1
import PostgresNIO

@Suite("Preferences, digests and reminders, end to end")
struct PreferencesEndToEndTests {
    static let event = #"{"channel": "email", "subject": "Sprawa {{case}}: {{event}}", "text": "Sprawa {{case}}: {{event}}", "html": "<p>Sprawa <b>{{case}}</b>: {{event}}</p>"}"#
    static let digest = #"{"channel": "email", "subject": "{{count}} zmian w Twoich sprawach", "text": "{{#items}}- {{subject}} ({{at}})\n{{/items}}", "html": "<ul>{{#items}}<li>{{{html}}}</li>{{/items}}</ul>"}"#

    static func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    static func putRecipient(_ fleet: TestFleet, _ id: String, _ body: String) async throws {
        let reply = try await fleet.request(.PUT, "/v1/recipients/\(id)", body: body)
        #expect([200, 201].contains(reply.status), "\(reply.body)")
    }

    static func notify(_ fleet: TestFleet, _ recipient: String, case number: String, event: String) async throws -> TestFleet.Reply {
        try await fleet.request(.POST, "/v1/notifications", body: """
            {"recipient": "\(recipient)", "template": "case-event", "category": "case \(number)",
             "variables": {"case": "\(number)", "event": "\(event)"}}
            """)
    }

    @Test("deferred notifications become one digest when the window closes: every item, in order, counted")
    func digestOfSeveralItems() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("case-event", Self.event)
            try await fleet.putTemplate("digest", Self.digest)
            try await Self.putRecipient(fleet, "anna", #"{"email": "anna@example.com", "timezone": "Europe/Warsaw", "preference": "daily", "digest_hour": 8}"#)
            // 07:00 in Warsaw: the window closes at 08:00 local, 07:00 UTC.
            fleet.clock.set(Self.date("2026-11-23T06:00:00Z"))
            var ids: [String] = []
            for (index, event) in ["wniosek złożony", "dokument <dodany>", "termin wyznaczony"].enumerated() {
                let reply = try await Self.notify(fleet, "anna", case: "2026/\(index + 1)", event: event)
                #expect(reply.status == 202)
                #expect(reply["state"] == .string("deferred"))
                #expect(reply["deliver_after"] == .string("2026-11-23T07:00:00.000Z"))
                ids.append(reply["id"]?.string ?? "")
            }
            // The case moves on meanwhile: the digest shows what was true when each notification was accepted.
            #expect(try await fleet.digest.aggregateOnce().recipients == 0, "the window is still open")
            fleet.clock.set(Self.date("2026-11-23T07:00:01Z"))
            let outcome = try await fleet.digest.aggregateOnce()
            #expect(outcome.digests == 1)
            #expect(outcome.itemsDigested == 3)

            let items = try await fleet.waitUntilFinal(ids).map { $0.object ?? [:] }
            #expect(items.allSatisfy { $0["state"] == .string("digested") })
            let digestID = items[0]["events"]?.array?.last?.object?["detail"]?.string?.replacingOccurrences(of: "in digest ", with: "")
            let digest = try await fleet.waitUntilFinal([digestID ?? ""])[0].object ?? [:]
            #expect(digest["state"] == .string("sent"))

            let mail = try fleet.smtp.received()
            #expect(mail.count == 1)
            #expect(mail.first?.object?["subject"] == .string("3 zmian w Twoich sprawach"))
            let text = mail.first?.object?["text"]?.string ?? ""
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            #expect(lines.map { $0.components(separatedBy: " (").first ?? "" } == [
                "- Sprawa 2026/1: wniosek złożony", "- Sprawa 2026/2: dokument <dodany>", "- Sprawa 2026/3: termin wyznaczony",
            ])
            #expect(mail.first?.object?["html"]?.string?.contains("<li><p>Sprawa <b>2026/2</b>: dokument &lt;dodany&gt;</p></li>") == true)
            #expect(try await fleet.digest.aggregateOnce().digests == 0, "a window is digested once")
        }
    }

    @Test("a single deferred notification is sent as itself")
    func singleItem() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("case-event", Self.event)
            try await fleet.putTemplate("digest", Self.digest)
            try await Self.putRecipient(fleet, "jan", #"{"email": "jan@example.com", "timezone": "Asia/Kolkata", "preference": "hourly"}"#)
            fleet.clock.set(Self.date("2026-11-23T10:10:00Z"))
            let reply = try await Self.notify(fleet, "jan", case: "7", event: "zamknięta")
            #expect(reply["deliver_after"] == .string("2026-11-23T10:30:00.000Z"), "Kolkata's hours turn at half past")
            fleet.clock.set(Self.date("2026-11-23T10:30:00Z"))
            let outcome = try await fleet.digest.aggregateOnce()
            #expect(outcome.digests == 0 && outcome.itemsAlone == 1)
            let message = try await fleet.waitUntilFinal([reply["id"]?.string ?? ""])[0].object ?? [:]
            #expect(message["state"] == .string("sent"))
            #expect(message["events"]?.array?.compactMap { $0.object?["to"]?.string } == ["deferred", "queued", "rendered", "sending", "sent"])
            #expect(try fleet.smtp.received().first?.object?["subject"] == .string("Sprawa 7: zamknięta"))
        }
    }

    @Test("two aggregators at once produce one digest per recipient; a crash half way produces one digest after restart")
    func concurrentAndCrashingAggregators() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("case-event", Self.event)
            try await fleet.putTemplate("digest", Self.digest)
            fleet.clock.set(Self.date("2026-11-23T06:00:00Z"))
            let recipients = (0..<30).map { "user-\($0)" }
            for recipient in recipients {
                try await Self.putRecipient(fleet, recipient, #"{"email": "\#(recipient)@example.com", "preference": "daily", "digest_hour": 7}"#)
                for event in 0..<3 { _ = try await Self.notify(fleet, recipient, case: "\(event)", event: "e\(event)") }
            }
            fleet.clock.set(Self.date("2026-11-23T07:00:00Z"))

            // A crash half way: the transaction fails after deciding some groups; nothing of it remains.
            let repository = DigestRepository(database: fleet.database, logger: TestInfrastructure.logger)
            struct Crash: Error {}
            await #expect(throws: (any Error).self) {
                _ = try await repository.aggregate(now: fleet.clock.now(), recipientLimit: 10) { _ in throw Crash() }
            }
            #expect(try await repository.backlog(now: fleet.clock.now()).due == 90)

            // Two aggregators racing over small batches.
            async let first = Self.drain(fleet.digest)
            async let second = Self.drain(fleet.digest)
            let (a, b) = try await (first, second)
            #expect(a + b == 30)
            let rows = try await fleet.database.client.query("""
                select count(distinct digest_id)::int8, count(*)::int8 from messages where state = 'digested'
                """, logger: TestInfrastructure.logger)
            for try await (digests, items) in rows.decode((Int, Int).self) {
                #expect(digests == 30)
                #expect(items == 90)
            }
            let perRecipient = try await fleet.database.client.query("""
                select max(n)::int8 from (select count(*) as n from messages where category = 'digest' group by recipient_id) c
                """, logger: TestInfrastructure.logger)
            for try await most in perRecipient.decode(Int.self) { #expect(most == 1) }
        }
    }

    static func drain(_ aggregator: DigestAggregator) async throws -> Int {
        var digests = 0
        while true {
            let outcome = try await aggregator.aggregateOnce()
            digests += outcome.digests
            if outcome.recipients == 0 { return digests }
        }
    }

    @Test("direct messages to a recipient ignore their preference")
    func directMessagesBypass() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("case-event", Self.event)
            try await Self.putRecipient(fleet, "ola", #"{"email": "ola@example.com", "preference": "weekly", "digest_weekday": "friday"}"#)
            let reply = try await fleet.request(.POST, "/v1/messages", body: """
                {"channel": "email", "recipient": "ola", "template": "case-event", "variables": {"case": "1", "event": "pilne"}}
                """)
            #expect(reply["state"] == .string("queued"))
            let message = try await fleet.waitUntilFinal([reply["id"]?.string ?? ""])[0].object ?? [:]
            #expect(message["state"] == .string("sent"))
        }
    }

    @Test("reminders: scheduled ahead of the deadline, past times refused or sent at once, cancelled leaving nothing pending")
    func reminders() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("case-event", Self.event)
            let now = Date()
            fleet.clock.set(now)
            let stamp = { (date: Date) in date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
            let base = #""channel": "email", "to": {"email": "kasia@example.com"}, "template": "case-event", "variables": {"case": "9", "event": "termin"}"#

            let later = try await fleet.request(.POST, "/v1/reminders", body: """
                {"key": "case-9-deadline", \(base), "due_at": "\(stamp(now.addingTimeInterval(7 * 86_400)))", "remind_before": ["P1D", "PT1H"]}
                """)
            #expect(later.status == 202, "\(later.body)")
            #expect(later["message_ids"]?.array?.count == 2)
            let again = try await fleet.request(.POST, "/v1/reminders", body: """
                {"key": "case-9-deadline", \(base), "due_at": "\(stamp(now.addingTimeInterval(86_400)))"}
                """)
            #expect(again.status == 409)

            let past = try await fleet.request(.POST, "/v1/reminders", body: """
                {"key": "soon", \(base), "due_at": "\(stamp(now.addingTimeInterval(600)))", "remind_before": "P1D"}
                """)
            #expect(past.status == 422)
            #expect(past.invalidParams == ["remind_before"])
            let atOnce = try await fleet.request(.POST, "/v1/reminders", body: """
                {"key": "soon", \(base), "due_at": "\(stamp(now.addingTimeInterval(600)))", "remind_before": "P1D", "if_past": "send_now"}
                """)
            #expect(atOnce.status == 202)
            let sent = try await fleet.waitUntilFinal(atOnce["message_ids"]?.array?.compactMap(\.string) ?? [])
            #expect(sent.first?.object?["state"] == .string("sent"))

            // A reminder an hour before a deadline an hour and two seconds away goes out when its time comes.
            let near = try await fleet.request(.POST, "/v1/reminders", body: """
                {"key": "near", \(base), "due_at": "\(stamp(now.addingTimeInterval(3_602)))", "remind_before": "PT1H"}
                """)
            let nearID = near["message_ids"]?.array?.first?.string ?? ""
            let fired = try await fleet.waitUntilFinal([nearID]).first?.object
            #expect(fired?["events"]?.array?.compactMap { $0.object?["to"]?.string } == ["scheduled", "queued", "rendered", "sending", "sent"])

            let cancelled = try await fleet.request(.DELETE, "/v1/reminders/case-9-deadline")
            #expect(cancelled["cancelled"] == .int(2))
            for id in later["message_ids"]?.array?.compactMap(\.string) ?? [] {
                #expect(try await fleet.request(.GET, "/v1/messages/\(id)")["state"] == .string("cancelled"))
            }
            #expect(try await fleet.request(.DELETE, "/v1/reminders/case-9-deadline")["cancelled"] == .int(0))
        }
    }

    @Test("bad inputs get a clear 4xx naming the field")
    func badInputs() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("case-event", Self.event)
            let recipientCases: [(String, String, String)] = [
                (#"{"email": "a@example.com", "timezone": "Mars/Olympus", "preference": "daily"}"#, "timezone", "'Mars/Olympus' is not an IANA time zone such as Europe/Warsaw"),
                (#"{"email": "a@example.com", "preference": "sometimes"}"#, "preference", "'sometimes' is not a preference; use immediate, hourly, daily or weekly"),
                (#"{"email": "a@example.com", "preference": {"email": "daily", "fax": "hourly"}}"#, "preference.fax", "unknown channel; use email or sms"),
                (#"{"email": "a@example.com", "preference": "daily", "digest_hour": 25}"#, "digest_hour", "must be an hour from 0 to 23, got 25"),
                (#"{"email": "a@example.com", "preference": "weekly", "digest_weekday": "someday"}"#, "digest_weekday", "must be a weekday such as 'monday', got 'someday'"),
            ]
            for (body, field, reason) in recipientCases {
                let reply = try await fleet.request(.PUT, "/v1/recipients/x", body: body)
                #expect(reply.status == 422, "\(body)")
                let param = reply.body.object?["invalid-params"]?.array?.first { $0.object?["name"] == .string(field) }?.object
                #expect(param?["reason"] == .string(reason), "\(reply.body)")
            }
            let unknown = try await Self.notify(fleet, "nobody", case: "1", event: "x")
            #expect(unknown.status == 422)
            #expect(unknown.invalidParams == ["recipient"])
            let base = #""channel": "email", "to": {"email": "k@example.com"}, "template": "case-event", "variables": {"case": "1", "event": "x"}, "due_at": "2030-01-01T00:00:00Z""#
            for (duration, reason) in [("\"P1M\"", "'P1M': years and months have no fixed length; give days or weeks instead"),
                                       ("\"1 day\"", "'1 day' is not an ISO 8601 duration such as P1D, PT1H or P1DT12H")] {
                let reply = try await fleet.request(.POST, "/v1/reminders", body: #"{"key": "k", \#(base), "remind_before": \#(duration)}"#)
                #expect(reply.status == 422)
                let param = reply.body.object?["invalid-params"]?.array?.first?.object
                #expect(param?["name"] == .string("remind_before"))
                #expect(param?["reason"] == .string(reason))
            }
            #expect(try await fleet.messageCount() == 0)
        }
    }
}
