import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO
import Testing
import NIOHTTP1

@Suite("Retention: personal data erased after the retention period, rows deleted after the history period")
struct RetentionTests {
    @Test("final messages lose address, variables, content and quoted address; live ones keep them; old rows go")
    func eraseThenForget() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("welcome", #"{"channel": "email", "subject": "Hi {{name}}", "text": "Hello {{name}}"}"#)
            var ids: [String] = []
            for address in ["kept-private@example.com", "rejected-private@example.com"] {
                let reply = try await fleet.request(.POST, "/v1/messages", body: """
                    {"channel": "email", "to": {"email": "\(address)", "name": "Anna"}, "template": "welcome", "variables": {"name": "Anna"}}
                    """)
                ids.append(reply["id"]!.string!)
            }
            let later = Date().addingTimeInterval(3600).formatted(.iso8601)
            let scheduled = try await fleet.request(.POST, "/v1/messages", body: """
                {"channel": "email", "to": {"email": "later@example.com"}, "template": "welcome", "variables": {"name": "L"}, "send_at": "\(later)"}
                """)["id"]!.string!
            let final = try await fleet.waitUntilFinal(ids)
            #expect(final.map { $0.object?["state"] } == [.string("sent"), .string("failed")])

            let client = fleet.database.client
            let logger = TestInfrastructure.logger
            let all = (ids + [scheduled]).compactMap(UUID.init(uuidString:))
            try await client.query("""
                update messages set created_at = now() - interval '8 days', updated_at = now() - interval '8 days'
                where id = any(\(all))
                """, logger: logger)
            // Providers often quote the address in their reply: that copy goes too.
            try await client.query("""
                update messages set last_error = last_error || ' <rejected-private@example.com>' where id = \(all[1])
                """, logger: logger)
            let retention = Retention(database: fleet.database, policy: RetentionPolicy(), logger: logger)
            while try await retention.erase(limit: 1) > 0 {}

            for id in ids {
                let message = try await fleet.request(.GET, "/v1/messages/\(id)")
                #expect(message["erased_at"]?.string != nil)
                #expect(!message.body.encoded().contains("private@example.com"))
            }
            let failed = try await fleet.request(.GET, "/v1/messages/\(ids[1])")
            #expect(failed["last_error"]?.string?.contains("550") == true)
            #expect(failed["last_error"]?.string?.contains("<[erased]>") == true)
            var rows: [(String, String, String, Bool, Bool)] = []
            for try await row in try await client.query("""
                select to_address, coalesce(to_name, ''), variables::text, erased_at is not null,
                       exists (select 1 from message_contents c where c.message_id = m.id)
                from messages m where id = any(\(all)) order by created_at, id
                """, logger: logger).decode((String, String, String, Bool, Bool).self) { rows.append(row) }
            let erased = rows.filter(\.3)
            #expect(erased.count == 2)
            #expect(erased.allSatisfy { $0.0 == "" && $0.1 == "" && $0.2 == "{}" && !$0.4 })
            let live = try await fleet.request(.GET, "/v1/messages/\(scheduled)")
            #expect(live["erased_at"] == nil)
            #expect(live["state"] == .string("scheduled"))

            try await client.query(
                "update messages set created_at = now() - interval '91 days' where id = any(\(all))", logger: logger)
            while try await retention.forget(limit: 1) > 0 {}
            for id in ids { #expect(try await fleet.request(.GET, "/v1/messages/\(id)").status == 404) }
            #expect(try await fleet.request(.GET, "/v1/messages/\(scheduled)").status == 200)
            var events: [Int] = []
            for try await count in try await client.query(
                "select count(*) from message_events where message_id = any(\(all))", logger: logger).decode(Int.self)
            {
                events.append(count)
            }
            #expect(events == [1])
        }
    }
}
