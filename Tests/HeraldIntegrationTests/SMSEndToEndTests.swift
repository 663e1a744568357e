import Foundation
import HeraldCore
import HeraldSandbox
import Testing
import NIOHTTP1
import PostgresNIO
import HeraldStore

@Suite("SMS end to end: HTTP -> broker -> renderer -> herald-sms -> Tyntec sandbox -> herald-poller")
struct SMSEndToEndTests {
    static let template = #"{"channel": "sms", "text": "Sprawa {{case}}: {{status}}"}"#

    /// Posts one SMS per number and returns the message ids.
    static func send(_ fleet: TestFleet, to numbers: [String], from: String? = nil) async throws -> [String] {
        let messages = numbers.map { number in
            #"{"channel": "sms", "to": {"phone": "\#(number)"}, "template": "case-sms", "variables": {"case": "7", "status": "gotowe"}"#
                + (from.map { #", "from": "\#($0)""# } ?? "") + "}"
        }
        let reply = try await fleet.request(.POST, "/v1/procedures", body: #"{"kind": "sms", "messages": [\#(messages.joined(separator: ","))]}"#)
        #expect(reply.status == 202, "\(reply.body)")
        return reply["message_ids"]?.array?.compactMap(\.string) ?? []
    }

    @Test("an SMS is sent with its requestId stored, polled, and reaches delivered")
    func delivered() async throws {
        try await TestFleet.with(tyntec: .init(acceptedFor: .seconds(1), finalAfter: .seconds(3))) { fleet in
            try await fleet.putTemplate("case-sms", Self.template)
            let ids = try await Self.send(fleet, to: ["+48601234567"], from: "CityHall")
            let message = try #require(try await fleet.waitUntilFinal(ids).first?.object)
            #expect(message["state"] == .string("delivered"))
            let events = message["events"]?.array?.compactMap { $0.object?["to"]?.string }
            #expect(events == ["queued", "rendered", "sending", "sent", "delivered"])

            let received = try #require(fleet.tyntec.messages.first)
            #expect(message["provider_id"] == .string(received.requestID))
            #expect(received.to == "+48601234567")
            #expect(received.from == "CityHall")
            #expect(received.message == "Sprawa 7: gotowe")
            #expect(received.reference == ids[0])
            #expect(received.polls.count >= 2, "ACCEPTED/BUFFERED first, then DELIVERED")
        }
    }

    @Test("each final failure state makes the message undeliverable with the provider's code and reason")
    func undeliverable() async throws {
        try await TestFleet.with(smsValidity: .seconds(3)) { fleet in
            try await fleet.putTemplate("case-sms", Self.template)
            let ids = try await Self.send(fleet, to: ["+48601239901", "+48601239902", "+48601239903", "+48601239904"])
            let messages = try await fleet.waitUntilFinal(ids).map { $0.object ?? [:] }
            #expect(messages.map { $0["state"] } == Array(repeating: .string("undeliverable"), count: 4))
            #expect(messages.map { $0["last_error"]?.string ?? "" } == [
                "Tyntec EXPIRED, error code 27: Absent subscriber",
                "Tyntec REJECTED, error code 13: Call barred",
                "Tyntec UNDELIVERABLE, error code 1: Unknown subscriber",
                "no final delivery state within the validity window (3 s); last answer: BUFFERED",
            ])
            let lastEvent = messages[1]["events"]?.array?.last?.object
            #expect(lastEvent?["from"] == .string("sent"))
            #expect(lastEvent?["detail"] == .string("Tyntec REJECTED, error code 13: Call barred"))
        }
    }

    @Test("two pollers on the same messages: every message reaches delivered and is never polled twice per due time")
    func twoPollers() async throws {
        try await TestFleet.with(tyntec: .init(acceptedFor: .seconds(1), finalAfter: .seconds(4)), pollers: 2) { fleet in
            try await fleet.putTemplate("case-sms", Self.template)
            let numbers = (0..<60).map { "+4860100\(String(format: "%04d", $0))" }
            let ids = try await Self.send(fleet, to: numbers)
            let messages = try await fleet.waitUntilFinal(ids)
            #expect(messages.allSatisfy { $0.object?["state"] == .string("delivered") })
            let sms = fleet.tyntec.messages
            #expect(sms.count == 60)
            // Polls are due 300 ms apart at the soonest; two polls of one message closer than that would mean two
            // pollers took it for the same due time.
            var closest = Duration.seconds(60)
            for message in sms {
                for (earlier, later) in zip(message.polls, message.polls.dropFirst()) { closest = min(closest, later - earlier) }
                #expect((1...10).contains(message.polls.count), "\(message.polls.count) polls")
            }
            #expect(sms.map(\.polls.count).reduce(0, +) > sms.count, "messages are polled until their state is final")
            #expect(closest >= .milliseconds(250), "two polls of one message \(closest) apart")
            let waiting = try await fleet.database.client.query("select count(*)::int8 from sms_polls", logger: TestInfrastructure.logger)
            for try await count in waiting.decode(Int.self) { #expect(count == 0, "delivered messages leave the schedule") }
        }
    }

    @Test("429 on status polls slows the poller down and fails nothing")
    func rateLimitedPolls() async throws {
        try await TestFleet.with(tyntec: .init(finalAfter: .milliseconds(300), pollRateLimitShare: 0.5)) { fleet in
            try await fleet.putTemplate("case-sms", Self.template)
            let ids = try await Self.send(fleet, to: (0..<10).map { "+4860200\(String(format: "%04d", $0))" })
            let messages = try await fleet.waitUntilFinal(ids, timeout: .seconds(60))
            #expect(messages.allSatisfy { $0.object?["state"] == .string("delivered") })
            #expect(fleet.tyntec.counts.refused > 0)
        }
    }

    @Test("bad SMS inputs: each gets its error, at the API or on the message")
    func badInputs() async throws {
        try await TestFleet.with(tyntecKey: "not-the-key") { fleet in
            try await fleet.putTemplate("case-sms", Self.template)
            try await fleet.putTemplate("long-sms", #"{"channel": "sms", "text": "{{body}}"}"#)
            let cases: [(String, String, String)] = [
                (#"{"channel": "sms", "to": {"phone": "601234567"}, "template": "case-sms", "variables": {"case": 1, "status": "x"}}"#,
                 "to.phone", "must be an E.164 number such as +48601234567"),
                (#"{"channel": "sms", "to": {"phone": "+48601234567"}, "from": "HeraldNotices", "template": "case-sms", "variables": {"case": 1, "status": "x"}}"#,
                 "from", "an alphanumeric sender id has 1 to 11 characters, 'HeraldNotices' has 13"),
                (#"{"channel": "sms", "to": {"phone": "+48601234567"}, "from": "Herald!", "template": "case-sms", "variables": {"case": 1, "status": "x"}}"#,
                 "from", "an alphanumeric sender id takes letters, digits, spaces, '.', '-' and '_' only"),
                (#"{"channel": "email", "to": {"email": "a@example.com"}, "from": "Herald", "template": "case-sms"}"#,
                 "from", "must be an object, got string"),
                (#"{"channel": "email", "to": {"email": "a@example.com"}, "from": {"email": "news@nobody.example"}, "template": "case-sms"}"#,
                 "from", "'nobody.example' is not a sending domain of this tenant (herald ctl domains add)"),
            ]
            for (body, field, reason) in cases {
                let reply = try await fleet.request(.POST, "/v1/messages", body: body)
                #expect(reply.status == 422, "\(body)")
                let param = reply.body.object?["invalid-params"]?.array?.first { $0.object?["name"] == .string(field) }?.object
                #expect(param?["reason"] == .string(reason), "\(reply.body)")
            }
            #expect(try await fleet.messageCount() == 0)

            // Over the segment limit (10 by default): failed at rendering, never sent.
            let long = String(repeating: "x", count: 1600)
            let tooLong = try await fleet.request(.POST, "/v1/messages", body: """
                {"channel": "sms", "to": {"phone": "+48601234567"}, "template": "long-sms", "variables": {"body": "\(long)"}}
                """)
            // The provider refuses the key: 401 fails the message with the problem's detail.
            let refused = try await Self.send(fleet, to: ["+48601234568"])
            let messages = try await fleet.waitUntilFinal([tooLong["id"]?.string ?? ""] + refused).map { $0.object ?? [:] }
            #expect(messages[0]["state"] == .string("failed"))
            #expect(messages[0]["last_error"] == .string("render: the SMS text needs 11 segments (1600 GSM-7 septets); the limit is 10"))
            #expect(messages[1]["state"] == .string("failed"))
            #expect(messages[1]["last_error"] == .string("Tyntec 401: missing or invalid apikey header"))
            #expect(fleet.tyntec.messages.isEmpty)
        }
    }
}
