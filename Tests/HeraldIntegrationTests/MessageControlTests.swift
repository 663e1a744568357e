import Foundation
import HeraldBus
import HeraldCore
import HeraldStore
import Testing
import NIOHTTP1
import PostgresNIO

@Suite("Listing, cancel and retry")
struct MessageControlTests {
    static let template = #"{"channel": "email", "subject": "Hi", "text": "Hello {{name}}"}"#

    @Test("listing pages through 2,500 messages newest first with no gap or repeat while new ones arrive; filters; bad filters named")
    func listing() async throws {
        try await TestFleet.with { fleet in
            let key = try await fleet.tenant("lister", ratePerMinute: 1_000_000, burst: 100_000)
            try await fleet.putTemplate("hi", Self.template, as: key)
            var accepted: Set<String> = []
            for batch in 0..<5 {
                let items = (0..<500).map { index in
                    #"{"channel": "email", "to": {"email": "r\#(batch * 500 + index)@example.com"}, "template": "hi", "variables": {"name": "n"}, "reference": "ref-\#(batch * 500 + index)", "send_at": "2099-01-01T00:00:00Z"}"#
                }
                let reply = try await fleet.request(.POST, "/v1/procedures", body: #"{"kind": "bulk", "messages": [\#(items.joined(separator: ","))]}"#, as: key)
                #expect(reply.status == 202)
                accepted.formUnion(reply["message_ids"]?.array?.compactMap(\.string) ?? [])
            }
            #expect(accepted.count == 2_500)
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await fleet.request(.GET, "/v1/messages?limit=300" + (cursor.map { "&cursor=\($0)" } ?? ""), as: key)
                #expect(page.status == 200)
                let messages = page["messages"]?.array ?? []
                seen += messages.compactMap { $0.object?["id"]?.string }
                let times = messages.compactMap { $0.object?["created_at"]?.string }
                #expect(times == times.sorted(by: >), "newest first")
                cursor = page["next_cursor"]?.string
                pages += 1
                // New messages keep arriving while the listing pages.
                _ = try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "to": {"email": "late@example.com"}, "template": "hi", "variables": {"name": "n"}, "send_at": "2099-01-01T00:00:00Z"}"#, as: key)
            } while cursor != nil && pages < 50
            #expect(Set(seen).count == seen.count, "no message twice")
            #expect(accepted.isSubset(of: Set(seen)), "no gap: \(accepted.subtracting(seen).count) missing")

            let byReference = try await fleet.request(.GET, "/v1/messages?reference=ref-42", as: key)
            #expect(byReference["messages"]?.array?.count == 1)
            #expect(byReference["messages"]?.array?.first?.object?["reference"] == .string("ref-42"))
            let byRecipient = try await fleet.request(.GET, "/v1/messages?recipient=r7@example.com&state=scheduled&channel=email", as: key)
            #expect(byRecipient["messages"]?.array?.count == 1)
            let none = try await fleet.request(.GET, "/v1/messages?created_before=2000-01-01T00:00:00Z", as: key)
            #expect(none["messages"] == .array([]) && none["next_cursor"] == .null)
            let procedureID = try await fleet.request(.GET, "/v1/messages?reference=ref-0", as: key)["messages"]?.array?.first?.object?["procedure_id"]?.string ?? ""
            let procedure = try await fleet.request(.GET, "/v1/procedures/\(procedureID)?limit=200", as: key)
            #expect(procedure["messages"]?.array?.count == 200)
            #expect(procedure["counts"]?.object?["scheduled"] == .int(500))
            #expect(procedure["next_cursor"]?.string != nil)
            for (query, name) in [
                ("state=lost", "state"), ("channel=fax", "channel"), ("limit=0", "limit"), ("limit=1001", "limit"),
                ("cursor=bogus", "cursor"), ("created_after=yesterday", "created_after"), ("procedure_id=7", "procedure_id"),
                ("colour=red", "colour"), ("state=sent&state=failed", "state"),
            ] {
                let reply = try await fleet.request(.GET, "/v1/messages?\(query)", as: key)
                #expect(reply.status == 400, "\(query)")
                #expect(reply.invalidParams == [name], "\(query): \(reply.body)")
            }
        }
    }

    @Test("cancel: scheduled, deferred, queued and rendered messages are cancelled and never sent; later states are a 409 naming them")
    func cancel() async throws {
        // A long relay grace: messages stored without a publish stay unpublished for the test's duration.
        try await TestFleet.with(relayGrace: .seconds(120)) { fleet in
            try await fleet.putTemplate("hi", Self.template)
            let scheduled = try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "to": {"email": "s@example.com"}, "template": "hi", "variables": {"name": "n"}, "send_at": "2099-01-01T00:00:00Z"}"#)["id"]?.string ?? ""
            _ = try await fleet.request(.PUT, "/v1/recipients/daily", body: #"{"email": "d@example.com", "preference": "daily"}"#)
            let deferred = try await fleet.request(.POST, "/v1/notifications", body: #"{"recipient": "daily", "template": "hi", "variables": {"name": "n"}}"#)["id"]?.string ?? ""
            let queued = try await Self.storeUnpublished(fleet)
            let rendered = try await Self.storeUnpublished(fleet)
            try await fleet.database.client.query("""
                with moved as (update messages set state = 'rendered' where id = \(rendered) returning id)
                insert into message_contents (message_id, subject, text_body) select id, 'Hi', 'Hello' from moved
                """, logger: TestInfrastructure.logger)
            for id in [scheduled, deferred, queued.uuidString.lowercased(), rendered.uuidString.lowercased()] {
                let reply = try await fleet.request(.DELETE, "/v1/messages/\(id)")
                #expect(reply.status == 200 && reply["state"] == .string("cancelled"), "\(id): \(reply.body)")
            }
            // A worker that gets a job for a cancelled message drops it.
            try await fleet.bus.publishJobs(for: [queued], to: .render)
            try await fleet.bus.publishJobs(for: [rendered], to: .sendEmail)
            let sent = try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "to": {"email": "x@example.com"}, "template": "hi", "variables": {"name": "n"}}"#)["id"]?.string ?? ""
            _ = try await fleet.waitUntilFinal([sent])
            #expect(try fleet.smtp.received().count == 1, "only the uncancelled message is sent")
            for id in [queued, rendered] {
                #expect(try await fleet.request(.GET, "/v1/messages/\(id.uuidString.lowercased())")["state"] == .string("cancelled"))
            }
            let late = try await fleet.request(.DELETE, "/v1/messages/\(sent)")
            #expect(late.status == 409)
            #expect(late["detail"]?.string?.contains("is sent") == true, "\(late.body)")
            #expect(try await fleet.request(.DELETE, "/v1/messages/\(UUID().uuidString)").status == 404)

            // A procedure: what can be is cancelled, the rest counted.
            let items = #"{"channel": "email", "to": {"email": "p@example.com"}, "template": "hi", "variables": {"name": "n"}"#
            let procedure = try await fleet.request(.POST, "/v1/procedures", body: #"{"kind": "k", "messages": [\#(items)}, \#(items), "send_at": "2099-01-01T00:00:00Z"}]}"#)
            let ids = procedure["message_ids"]?.array?.compactMap(\.string) ?? []
            _ = try await fleet.waitUntilFinal([ids[0]])
            let cancelled = try await fleet.request(.DELETE, "/v1/procedures/\(procedure["id"]?.string ?? "")")
            #expect(cancelled["cancelled"] == .int(1) && cancelled["not_cancelled"] == .int(1), "\(cancelled.body)")
        }
    }

    @Test("retry: a failed or dead message goes through the pipeline again with an event; other states are a 409")
    func retry() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("hi", Self.template)
            let rejected = try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "to": {"email": "reject@example.com"}, "template": "hi", "variables": {"name": "n"}}"#)["id"]?.string ?? ""
            let broken = try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "to": {"email": "ok@example.com"}, "template": "hi"}"#)["id"]?.string ?? ""
            let finals = try await fleet.waitUntilFinal([rejected, broken])
            #expect(finals.map { $0.object?["state"] } == [.string("failed"), .string("failed")])
            for id in [rejected, broken] {
                let reply = try await fleet.request(.POST, "/v1/messages/\(id)/retry")
                #expect(reply.status == 202, "\(reply.body)")
            }
            try await eventually("both fail again") {
                let events = try await fleet.request(.GET, "/v1/messages/\(rejected)")["events"]?.array ?? []
                let brokenEvents = try await fleet.request(.GET, "/v1/messages/\(broken)")["events"]?.array ?? []
                return events.count >= 6 && brokenEvents.last?.object?["to"] == .string("failed") && brokenEvents.count >= 4
            }
            let history = try await fleet.request(.GET, "/v1/messages/\(rejected)")
            #expect(history["events"]?.array?.compactMap { $0.object?["to"]?.string }
                == ["queued", "rendered", "sending", "failed", "rendered", "sending", "failed"])
            #expect(history["attempts"] == .int(2))
            #expect(history["events"]?.array?[4].object?["detail"] == .string("sent again at the client's request"))
            let brokenHistory = try await fleet.request(.GET, "/v1/messages/\(broken)")["events"]?.array?.compactMap { $0.object?["to"]?.string }
            #expect(brokenHistory == ["queued", "failed", "queued", "failed"], "a message that never rendered is rendered again")

            let sent = try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "to": {"email": "fine@example.com"}, "template": "hi", "variables": {"name": "n"}}"#)["id"]?.string ?? ""
            _ = try await fleet.waitUntilFinal([sent])
            let refused = try await fleet.request(.POST, "/v1/messages/\(sent)/retry")
            #expect(refused.status == 409)
            #expect(refused["detail"]?.string?.contains("is sent; only a message that is failed, dead can be sent again") == true, "\(refused.body)")
        }
    }

    /// A queued message stored as the API stores it, but never published.
    static func storeUnpublished(_ fleet: TestFleet) async throws -> UUID {
        let logger = TestInfrastructure.logger
        let template = try await TemplateRepository(database: fleet.database, logger: logger).resolve(
            tenantID: Tenant.defaultID, name: "hi", locale: "", defaultLocale: "en").template!
        let message = NewMessage(
            channel: .email, toAddress: "unpublished@example.com", toName: nil, templateID: template.id, locale: "",
            variablesJSON: #"{"name": "n"}"#, state: .queued, sendAt: Date())
        _ = try await IntakeStore(database: fleet.database, logger: logger).insertProcedure(
            id: UUID(), kind: "ad-hoc", tenantID: Tenant.defaultID, apiKeyID: nil, messages: [message], idempotency: nil)
        return message.id
    }
}
