import Foundation
import HeraldBus
import HeraldCore
import Testing
import NIOHTTP1

@Suite("Requests published straight onto herald.intake")
struct IntakeTests {
    /// Publishes a request as an application next to the broker would: default exchange, routing key `herald.intake`.
    func publish(_ fleet: TestFleet, _ body: String, key: String?, idempotencyKey: String? = nil) async throws {
        var headers: [String: BusHeaderValue] = [:]
        if let key { headers["Authorization"] = .string("Bearer \(key)") }
        if let idempotencyKey { headers["Idempotency-Key"] = .string(idempotencyKey) }
        try await fleet.bus.publish(BusMessage(
            exchange: "", routingKey: Topology.intakeQueue, body: Array(body.utf8), headers: headers))
    }

    func messages(_ fleet: TestFleet, reference: String, as key: String? = nil) async throws -> [JSONValue] {
        try await fleet.request(.GET, "/v1/messages?reference=\(reference)", as: key)["messages"]?.array ?? []
    }

    func refusals(_ fleet: TestFleet) async throws -> [[String: JSONValue]] {
        try await fleet.bus.peek(Topology.intakeRefusedQueue, limit: 100).compactMap {
            try JSONValue.parse($0.body).object
        }
    }

    @Test("a message and a procedure are stored for the key's tenant and delivered; a repeated idempotency key stores nothing twice")
    func stored() async throws {
        try await TestFleet.with { fleet in
            let acme = try await fleet.tenant("acme")
            try await fleet.putTemplate("hello", #"{"channel": "email", "subject": "Hi {{name}}", "text": "Hello {{name}}"}"#, as: acme)
            try await publish(fleet, """
                {"channel": "email", "to": {"email": "one@example.com"}, "template": "hello", "variables": {"name": "One"},
                 "reference": "queued-1"}
                """, key: acme, idempotencyKey: "req-1")
            try await publish(fleet, """
                {"kind": "batch", "messages": [
                  {"channel": "email", "to": {"email": "two@example.com"}, "template": "hello", "variables": {"name": "Two"}, "reference": "queued-2"},
                  {"channel": "email", "to": {"email": "three@example.com"}, "template": "hello", "variables": {"name": "Three"}, "reference": "queued-2"}
                ]}
                """, key: acme)
            // The same request again under the same key, as a producer retrying after a lost confirm would.
            try await publish(fleet, """
                {"channel": "email", "to": {"email": "one@example.com"}, "template": "hello", "variables": {"name": "One"},
                 "reference": "queued-1"}
                """, key: acme, idempotencyKey: "req-1")
            var ids: [String] = []
            try await eventually("the requests are stored") {
                let one = try await messages(fleet, reference: "queued-1", as: acme)
                let two = try await messages(fleet, reference: "queued-2", as: acme)
                ids = (one + two).compactMap { $0.object?["id"]?.string }
                return ids.count == 3
            }
            let finals = try await fleet.waitUntilFinal(ids, as: acme)
            #expect(finals.allSatisfy { $0.object?["state"] == .string("sent") })
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await messages(fleet, reference: "queued-1", as: acme).count == 1, "the repeated key stored nothing")
            #expect(try await messages(fleet, reference: "queued-1").isEmpty, "tenant default sees none of acme's")
            let subjects = Set(try fleet.smtp.received().compactMap { $0.object?["subject"]?.string })
            #expect(subjects == ["Hi One", "Hi Two", "Hi Three"])
            #expect(try await refusals(fleet).isEmpty)
            #expect(try await fleet.bus.queueStatus(Topology.intakeQueue).messages == 0)
        }
    }

    @Test("refused requests go to herald.intake.refused with the problem the API would answer, and without the key")
    func refused() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("hello", #"{"channel": "email", "subject": "Hi", "text": "Hello"}"#)
            let good = #"{"channel": "email", "to": {"email": "a@example.com"}, "template": "hello", "reference": "ok"}"#
            try await publish(fleet, good, key: nil)
            try await publish(fleet, good, key: "hk_unknown")
            try await publish(fleet, "{not json", key: fleet.key)
            try await publish(fleet, #"{"channel": "email", "to": {"email": "a\u0000@example.com"}, "template": "hello"}"#, key: fleet.key)
            try await publish(fleet, #"{"channel": "email", "to": {"email": "nobody"}, "template": "missing"}"#, key: fleet.key)
            try await publish(fleet, #"{"kind": "k", "messages": []}"#, key: fleet.key)
            try await publish(fleet, good, key: fleet.key, idempotencyKey: "same")
            try await eventually("the good request is stored") { try await messages(fleet, reference: "ok").count == 1 }
            try await publish(fleet, #"{"channel": "sms", "to": {"phone": "+48601000001"}, "template": "hello"}"#,
                              key: fleet.key, idempotencyKey: "same")
            var refused: [String: [String: JSONValue]] = [:]
            try await eventually("seven refusals") {
                let all = try await refusals(fleet)
                refused = [:]
                for refusal in all {
                    let problem = refusal["problem"]?.object
                    let name = "\(problem?["status"]?.intValue ?? 0) \(problem?["type"]?.string ?? "")"
                    let detail = problem?["detail"]?.string ?? ""
                    refused[name + " " + (refusal["request"]?.string ?? "") + " " + detail] = refusal
                }
                return all.count >= 7
            }
            let problems = refused.keys.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }.sorted()
            let expected = [
                "400 malformed-json", "400 nul-character", "401 unauthorized", "401 unauthorized", "409 idempotency-conflict",
                "422 validation", "422 validation",
            ].map { $0.replacingOccurrences(of: " ", with: " urn:herald:problem:") }
            #expect(problems == expected)
            let invalid = refused.first { $0.key.contains("missing") }?.value["problem"]?.object?["invalid-params"]?.array
            #expect(invalid?.compactMap { $0.object?["name"]?.string } == ["to.email"])
            #expect(refused.keys.contains { $0.hasPrefix("400 urn:herald:problem:malformed-json {not json ") }, "the request is kept as it came")
            let conflict = refused.first { $0.key.hasPrefix("409") }?.value
            #expect(conflict?["idempotency_key"] == .string("same"))
            for refusal in refused.values {
                #expect(!JSONValue.object(refusal).encoded().contains(fleet.key), "a refusal never carries the key")
            }
            let stored = try await messages(fleet, reference: "ok")
            #expect(stored.count == 1, "only the one good request is stored")
            #expect(try await fleet.bus.queueStatus(Topology.intakeQueue).messages == 0, "nothing is left unsettled")
        }
    }

    @Test("a request over the tenant's rate limit waits in the queue until the limit allows it")
    func heldByRateLimit() async throws {
        try await TestFleet.with { fleet in
            let slow = try await fleet.tenant("slow", ratePerMinute: 60, burst: 1)
            try await fleet.putTemplate("hello", #"{"channel": "email", "subject": "Hi", "text": "Hello"}"#, as: slow)
            for index in 0..<3 {
                try await publish(fleet, """
                    {"channel": "email", "to": {"email": "r\(index)@example.com"}, "template": "hello", "reference": "slow"}
                    """, key: slow)
            }
            let started = ContinuousClock.now
            try await eventually("all three stored", timeout: .seconds(20)) {
                try await messages(fleet, reference: "slow", as: slow).count == 3
            }
            #expect(ContinuousClock.now - started >= .seconds(1), "one a second: the later two waited for tokens")
            #expect(try await refusals(fleet).isEmpty, "a rate limit holds a request; it does not refuse it")
        }
    }
}
