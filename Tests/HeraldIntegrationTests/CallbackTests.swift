import Foundation
import HeraldCore
import HeraldStore
import Testing
import NIOHTTP1
import PostgresNIO

@Suite("Delivery-status callbacks to a receiver Herald did not write")
struct CallbackTests {
    @Test("one signed callback per state change for a procedure of emails and SMS")
    func oneCallbackPerChange() async throws {
        let receiver = try CallbackReceiver()
        defer { receiver.stop() }
        try await TestFleet.with { fleet in
            let set = try await fleet.request(.PUT, "/v1/callback", body: #"{"url": "\#(receiver.url)/ok", "secret": "\#(receiver.secret)"}"#)
            #expect(set.status == 200)
            let shown = try await fleet.request(.GET, "/v1/callback")
            #expect(shown.body == .object(["url": .string("\(receiver.url)/ok")]), "the secret is never shown")
            try await fleet.putTemplate("mail", #"{"channel": "email", "subject": "Hi", "text": "Hello"}"#)
            try await fleet.putTemplate("text", #"{"channel": "sms", "text": "Code 1"}"#)
            let reply = try await fleet.request(.POST, "/v1/procedures", body: """
                {"kind": "mixed", "messages": [
                  {"channel": "email", "to": {"email": "a@example.com"}, "template": "mail", "reference": "case-1"},
                  {"channel": "email", "to": {"email": "reject@example.com"}, "template": "mail", "reference": "case-2"},
                  {"channel": "sms", "to": {"phone": "+48601000001"}, "template": "text", "reference": "case-3"}
                ]}
                """)
            let ids = reply["message_ids"]?.array?.compactMap(\.string) ?? []
            let finals = try await fleet.waitUntilFinal(ids)
            let expected: Set<String> = [
                "\(ids[0]) sent", "\(ids[1]) failed", "\(ids[2]) sent", "\(ids[2]) \(finals[2].object?["state"]?.string ?? "")",
            ]
            var attempts: [JSONValue] = []
            try await eventually("every state change is called back") {
                attempts = try await receiver.attempts()
                return attempts.count >= expected.count
            }
            try await Task.sleep(for: .milliseconds(500))
            attempts = try await receiver.attempts()
            let changes = attempts.compactMap { attempt -> String? in
                guard let body = attempt.object?["body"]?.object, let id = body["id"]?.string, let state = body["state"]?.string else { return nil }
                return "\(id) \(state)"
            }
            #expect(changes.count == expected.count, "exactly one callback per change: \(changes)")
            #expect(Set(changes) == expected)
            #expect(attempts.allSatisfy { $0.object?["signature_valid"] == .bool(true) })
            let first = attempts.first { $0.object?["body"]?.object?["id"]?.string == ids[0] }?.object?["body"]?.object
            #expect(first?["reference"] == .string("case-1"))
            #expect(first?["procedure_id"] == reply["id"])
            #expect(first?["channel"] == .string("email"))
            #expect(first?["provider_id"] == finals[0].object?["provider_id"])
            #expect(first?["at"]?.string?.isEmpty == false)

            #expect(try await fleet.request(.DELETE, "/v1/callback").status == 204)
            #expect(try await fleet.request(.GET, "/v1/callback").status == 404)
            let bad = try await fleet.request(.PUT, "/v1/callback", body: #"{"url": "ftp://x", "secret": "short"}"#)
            #expect(bad.status == 422 && bad.invalidParams == ["url", "secret"])
        }
    }

    @Test("a receiver answering 500 twice gets it on the third try; one down for the whole window ends in the dead letters")
    func retriesThenDeadLetters() async throws {
        let receiver = try CallbackReceiver()
        defer { receiver.stop() }
        try await TestFleet.with { fleet in
            let flaky = try await fleet.tenant("flaky")
            let down = try await fleet.tenant("down")
            for (key, path) in [(flaky, "flaky/2"), (down, "down")] {
                _ = try await fleet.request(.PUT, "/v1/callback", body: #"{"url": "\#(receiver.url)/\#(path)", "secret": "\#(receiver.secret)"}"#, as: key)
                try await fleet.putTemplate("mail", #"{"channel": "email", "subject": "Hi", "text": "Hello"}"#, as: key)
                _ = try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "to": {"email": "a@example.com"}, "template": "mail"}"#, as: key)
            }
            // The test fleet retries after 200 and 400 ms: three attempts in all.
            try await eventually("the flaky receiver takes it on the third try, the dead one is dead-lettered") {
                let attempts = try await receiver.attempts()
                let flakyAttempts = attempts.filter { $0.object?["path"] == .string("/flaky/2") }
                let downAttempts = attempts.filter { $0.object?["path"] == .string("/down") }
                let dead = try await fleet.request(.GET, "/v1/dead-letters?stage=callback", as: fleet.operatorKey)["dead_letters"]?.array ?? []
                return flakyAttempts.count == 3 && downAttempts.count == 3 && dead.count == 1
            }
            let attempts = try await receiver.attempts()
            let flakyAttempts = attempts.filter { $0.object?["path"] == .string("/flaky/2") }
            #expect(flakyAttempts.map { $0.object?["status"] } == [.int(500), .int(500), .int(200)])
            #expect(Set(flakyAttempts.compactMap { $0.object?["callback_id"]?.string }).count == 1, "the same callback each time")
            let rows = try await fleet.database.client.query(
                "select count(*) filter (where dead_at is null)::int8, count(*) filter (where dead_at is not null)::int8 from callbacks",
                logger: TestInfrastructure.logger)
            for try await (waiting, dead) in rows.decode((Int, Int).self) {
                #expect(waiting == 0, "the delivered callback left the ledger")
                #expect(dead == 1)
            }
            try await Task.sleep(for: .seconds(1))
            #expect(try await receiver.attempts().count == 6, "nothing more after the dead letter")
        }
    }
}
