import Foundation
import HeraldCore
import NIOHTTP1
import Testing

@Suite("Dead letters over HTTP")
struct DeadLetterTests {
    @Test("a job of three dead messages: one replayed by id, the other two stay dead in one dead letter, then purged")
    func partialReplay() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("welcome", #"{"channel": "email", "subject": "Hi", "text": "Hello"}"#)
            let reply = try await fleet.request(.POST, "/v1/procedures", body: """
                {"kind": "dead", "messages": [
                  {"channel": "email", "to": {"email": "tempfail1@example.com"}, "template": "welcome"},
                  {"channel": "email", "to": {"email": "tempfail2@example.com"}, "template": "welcome"},
                  {"channel": "email", "to": {"email": "tempfail3@example.com"}, "template": "welcome"}
                ]}
                """)
            let ids = reply["message_ids"]?.array?.compactMap(\.string) ?? []
            let final = try await fleet.waitUntilFinal(ids)
            #expect(final.map { $0.object?["state"] } == Array(repeating: .string("dead"), count: 3))

            let listed = try await fleet.request(.GET, "/v1/dead-letters?stage=send.email&limit=5", as: fleet.operatorKey)
            let letters = listed["dead_letters"]?.array?.compactMap(\.object) ?? []
            #expect(letters.count == 1)
            #expect(Set(letters.first?["message_ids"]?.array?.compactMap(\.string) ?? []) == Set(ids))
            #expect(letters.first?["error"]?.string?.contains("451") == true)
            #expect(letters.first?["failed_at"]?.string != nil)

            let replayed = try await fleet.request(
                .POST, "/v1/dead-letters/send.email/replay", body: #"{"message_ids": ["\#(ids[0])"]}"#, as: fleet.operatorKey)
            #expect(replayed.status == 200)
            #expect(replayed["replayed_messages"] == .int(1))
            #expect(replayed["revived_messages"] == .int(1))
            try await eventually("the replayed message is dead again after three more attempts") {
                try await fleet.request(.GET, "/v1/messages/\(ids[0])")["attempts"] == .int(6)
            }
            _ = try await fleet.waitUntilFinal([ids[0]])
            let events = try await fleet.request(.GET, "/v1/messages/\(ids[0])")["events"]?.array ?? []
            #expect(events.contains { $0.object?["detail"] == .string("replayed from dead letters") })
            let untouched = try await fleet.request(.GET, "/v1/messages/\(ids[1])")
            #expect(untouched["attempts"] == .int(3), "\(untouched.body)")

            let after = try await fleet.request(.GET, "/v1/dead-letters?stage=send.email", as: fleet.operatorKey)["dead_letters"]?.array ?? []
            let remaining = after.compactMap { $0.object?["message_ids"]?.array?.compactMap(\.string) }
            #expect(remaining.map { Set($0) }.sorted { $0.count < $1.count } == [[ids[0]], [ids[1], ids[2]]])

            let purged = try await fleet.request(.DELETE, "/v1/dead-letters/send.email", as: fleet.operatorKey)
            #expect(purged["purged"] == .int(2))
            #expect(try await fleet.request(.GET, "/v1/dead-letters", as: fleet.operatorKey)["dead_letters"] == .array([]))
        }
    }

    @Test("bad stages, limits and ids are refused with problem+json naming them")
    func refusals() async throws {
        try await TestFleet.with { fleet in
            let stage = try await fleet.request(.GET, "/v1/dead-letters?stage=send.fax", as: fleet.operatorKey)
            #expect(stage.status == 422)
            #expect(stage["invalid-params"]?.array?.first?.object?["name"] == .string("stage"))
            #expect(try await fleet.request(.GET, "/v1/dead-letters?limit=0", as: fleet.operatorKey).status == 422)
            #expect(try await fleet.request(.POST, "/v1/dead-letters/send.fax/replay", as: fleet.operatorKey).status == 404)
            let ids = try await fleet.request(
                .POST, "/v1/dead-letters/render/replay", body: #"{"message_ids": ["x"]}"#, as: fleet.operatorKey)
            #expect(ids.status == 422)
            #expect(ids["invalid-params"]?.array?.first?.object?["name"] == .string("message_ids[0]"))
            let empty = try await fleet.request(.POST, "/v1/dead-letters/render/replay", as: fleet.operatorKey)
            #expect(empty.status == 200)
            #expect(empty["examined"] == .int(0))
            #expect(try await fleet.request(.GET, "/v1/dead-letters", authorized: false).status == 401)
        }
    }

    @Test("dead letters hold every tenant's jobs: a tenant key gets a 403 on each route, and touches nothing")
    func tenantKeysRefused() async throws {
        try await TestFleet.with { fleet in
            let other = try await fleet.tenant("other")
            for key in [fleet.key, other] {
                for (method, path) in [
                    (HTTPMethod.GET, "/v1/dead-letters"), (.POST, "/v1/dead-letters/callback/replay"),
                    (.DELETE, "/v1/dead-letters/send.email"),
                ] {
                    let reply = try await fleet.request(method, path, as: key)
                    #expect(reply.status == 403, "\(method) \(path)")
                    #expect(reply["type"] == .string("urn:herald:problem:forbidden"))
                    #expect(reply["detail"]?.string?.contains("operator key") == true)
                }
            }
        }
    }
}
