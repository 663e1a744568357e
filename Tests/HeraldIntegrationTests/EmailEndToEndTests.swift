import Foundation
import HeraldCore
import HeraldStore
import Testing
import HeraldBus
import NIOHTTP1

@Suite("Email end to end: HTTP -> broker -> renderer -> sender -> aiosmtpd")
struct EmailEndToEndTests {
    static let template = """
        {"channel": "email", "subject": "Zażółć gęślą jaźń: sprawa {{case}}",
         "text": "Dzień dobry {{name}},\\nsprawa {{case}}: {{status}}",
         "html": "<p>Dzień dobry {{name}},</p><p>sprawa <b>{{case}}</b>: {{status}}</p>"}
        """

    @Test("a procedure's emails arrive parsed right: headers, both parts, escaping, non-ASCII subject and names")
    func procedureArrives() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("case-update", Self.template)
            let reply = try await fleet.request(.POST, "/v1/procedures", body: """
                {"kind": "case-updates", "messages": [
                  {"channel": "email", "to": {"email": "anna@example.com", "name": "Anna Łęcka"}, "template": "case-update",
                   "variables": {"name": "Anna", "case": "2026/1", "status": "<approved> & done"}},
                  {"channel": "email", "to": {"email": "jan@example.com"}, "template": "case-update",
                   "variables": {"name": "Jan", "case": "2026/2", "status": "open"}}
                ]}
                """)
            #expect(reply.status == 202)
            let ids = reply["message_ids"]?.array?.compactMap(\.string) ?? []
            #expect(ids.count == 2)
            let messages = try await fleet.waitUntilFinal(ids)
            #expect(messages.map { $0.object?["state"] } == [.string("sent"), .string("sent")])
            let events = messages[0].object?["events"]?.array?.compactMap { $0.object?["to"]?.string }
            #expect(events == ["queued", "rendered", "sending", "sent"])

            let mail = try fleet.smtp.received()
            #expect(mail.count == 2)
            guard let anna = mail.first(where: { $0.object?["rcpt_tos"] == .array([.string("anna@example.com")]) })?.object else {
                Issue.record("no mail for anna@example.com")
                return
            }
            #expect(anna["tls"] == .bool(true))
            #expect(anna["authenticated"] == .bool(true))
            #expect(anna["subject"] == .string("Zażółć gęślą jaźń: sprawa 2026/1"))
            #expect(anna["to"] == .string("Anna Łęcka <anna@example.com>"))
            #expect(anna["from"] == .string("Herald Tests <noreply@herald.test>"))
            #expect(anna["content_type"] == .string("multipart/alternative"))
            #expect(anna["text"]?.string?.contains("sprawa 2026/1: <approved> & done") == true)
            #expect(anna["html"]?.string?.contains("<b>2026/1</b>: &lt;approved&gt; &amp; done") == true)
            #expect(anna["date"]?.string?.isEmpty == false)
            let sent = messages.first { $0.object?["id"] == .string(ids[0]) }?.object
            #expect(anna["message_id"] == sent?["provider_id"])
        }
    }

    @Test("bad inputs get a problem naming the field, and nothing is stored")
    func badInputs() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("welcome", #"{"channel": "email", "subject": "Hi {{name}}", "text": "Hello {{name}}"}"#)
            try await fleet.putTemplate("sms-code", #"{"channel": "sms", "text": "Code {{code}}"}"#)
            let valid = #""channel": "email", "to": {"email": "a@example.com"}, "template": "welcome""#
            let cases: [(String, String?, [(String, String)], Bool, Int, [String])] = [
                ("malformed JSON", "{\"channel\": ", [], true, 400, ["body"]),
                ("not an object", "[1, 2]", [], true, 422, ["body"]),
                ("unknown field", "{\(valid), \"priority\": 1}", [], true, 422, ["priority"]),
                ("missing channel", #"{"to": {"email": "a@example.com"}, "template": "welcome"}"#, [], true, 422, ["channel"]),
                ("unknown channel", #"{"channel": "fax", "to": {"email": "a@example.com"}, "template": "welcome"}"#, [], true, 422, ["channel"]),
                ("invalid address", #"{"channel": "email", "to": {"email": "not-an-address"}, "template": "welcome"}"#, [], true, 422, ["to.email"]),
                ("over-long address", #"{"channel": "email", "to": {"email": "\#(String(repeating: "a", count: 250))@example.com"}, "template": "welcome"}"#, [], true, 422, ["to.email"]),
                ("CR/LF in a header", #"{"channel": "email", "to": {"email": "a@example.com", "name": "A\r\nBcc: b@example.com"}, "template": "welcome"}"#, [], true, 422, ["to.name"]),
                ("CR/LF in an address", #"{"channel": "email", "to": {"email": "a@example.com\r\nBcc: b@example.com"}, "template": "welcome"}"#, [], true, 422, ["to.email"]),
                ("unknown template", #"{"channel": "email", "to": {"email": "a@example.com"}, "template": "nope"}"#, [], true, 422, ["template"]),
                ("channel mismatch", #"{"channel": "email", "to": {"email": "a@example.com"}, "template": "sms-code"}"#, [], true, 422, ["template"]),
                ("unparseable send_at", "{\(valid), \"send_at\": \"next tuesday\"}", [], true, 422, ["send_at"]),
                ("variables not an object", "{\(valid), \"variables\": [1]}", [], true, 422, ["variables"]),
                ("non-E.164 phone", #"{"channel": "sms", "to": {"phone": "0601 234 567"}, "template": "sms-code"}"#, [], true, 422, ["to.phone"]),
                ("body over the size limit", "{\(valid), \"variables\": {\"x\": \"\(String(repeating: "x", count: 5 << 20))\"}}", [], true, 413, []),
                ("missing API key", "{\(valid)}", [], false, 401, []),
                ("wrong API key", "{\(valid)}", [("Authorization", "Bearer hk_wrong")], false, 401, []),
            ]
            var table: [String] = []
            for (name, body, headers, authorized, status, fields) in cases {
                let reply = try await fleet.request(.POST, "/v1/messages", body: body, headers: headers, authorized: authorized)
                table.append("\(name): \(reply.status) \(reply.invalidParams) \(reply["detail"]?.string ?? "")")
                #expect(reply.status == status, "\(name): \(reply.body)")
                #expect(reply.contentType == "application/problem+json", "\(name)")
                #expect(reply.invalidParams == fields, "\(name): \(reply.body)")
            }
            let procedure = try await fleet.request(.POST, "/v1/procedures", body: """
                {"kind": "mixed", "messages": [{\(valid)}, {"channel": "email", "to": {"email": "bad"}, "template": "welcome"}]}
                """)
            #expect(procedure.status == 422)
            #expect(procedure.invalidParams == ["messages[1].to.email"])
            let tooMany = "{\"kind\": \"big\", \"messages\": [" + Array(repeating: "{\(valid)}", count: 1001).joined(separator: ",") + "]}"
            #expect(try await fleet.request(.POST, "/v1/procedures", body: tooMany).invalidParams == ["messages"])
            let template = try await fleet.request(.PUT, "/v1/templates/broken", body: #"{"channel": "email", "subject": "x", "text": "{{#open}}"}"#)
            #expect(template.status == 422)
            #expect(template.invalidParams == ["template"])
            print("bad inputs and their responses:\n" + table.joined(separator: "\n"))
            #expect(try await fleet.messageCount() == 0)
        }
    }

    @Test("the same Idempotency-Key and body returns the first response; another body is a 409")
    func idempotency() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("welcome", #"{"channel": "email", "subject": "Hi", "text": "Hello"}"#)
            let body = #"{"channel": "email", "to": {"email": "a@example.com"}, "template": "welcome"}"#
            let first = try await fleet.request(.POST, "/v1/messages", body: body, headers: [("Idempotency-Key", "k-1")])
            let again = try await fleet.request(.POST, "/v1/messages", body: body, headers: [("Idempotency-Key", "k-1")])
            #expect(first.status == 202)
            #expect(again.status == 202)
            #expect(first.body == again.body)
            let other = try await fleet.request(
                .POST, "/v1/messages", body: body.replacingOccurrences(of: "a@", with: "b@"), headers: [("Idempotency-Key", "k-1")])
            #expect(other.status == 409)
            #expect(try await fleet.messageCount() == 1)
        }
    }

    @Test("a message committed but never published (the API died in between) is published by the relay and sent")
    func relayPublishesWhatTheAPINeverDid() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("welcome", #"{"channel": "email", "subject": "Hi", "text": "Hello"}"#)
            let logger = TestInfrastructure.logger
            let template = try await TemplateRepository(database: fleet.database, logger: logger).resolve(
                tenantID: Tenant.defaultID, name: "welcome", locale: "", defaultLocale: "en").template!
            let message = NewMessage(
                channel: .email, toAddress: "orphan@example.com", toName: nil, templateID: template.id, locale: "",
                variablesJSON: "{}", state: .queued, sendAt: Date())
            // Exactly what the API commits before it publishes; the publish never happens.
            _ = try await IntakeStore(database: fleet.database, logger: logger).insertProcedure(
                id: UUID(), kind: "ad-hoc", tenantID: Tenant.defaultID, apiKeyID: nil, messages: [message], idempotency: nil)
            let final = try await fleet.waitUntilFinal([message.id.uuidString.lowercased()])
            #expect(final.first?.object?["state"] == .string("sent"))
            #expect(try fleet.smtp.received().count == 1)
        }
    }

    @Test("a scheduled message waits until send_at, then goes out")
    func scheduled() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("welcome", #"{"channel": "email", "subject": "Hi", "text": "Hello"}"#)
            let sendAt = Date().addingTimeInterval(4).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            let reply = try await fleet.request(.POST, "/v1/messages", body: """
                {"channel": "email", "to": {"email": "later@example.com"}, "template": "welcome", "send_at": "\(sendAt)"}
                """)
            #expect(reply["state"] == .string("scheduled"))
            let id = reply["id"]!.string!
            try await Task.sleep(for: .seconds(1))
            #expect(try await fleet.request(.GET, "/v1/messages/\(id)")["state"] == .string("scheduled"))
            let final = try await fleet.waitUntilFinal([id])
            let events = final[0].object?["events"]?.array?.compactMap { $0.object?["to"]?.string }
            #expect(events == ["scheduled", "queued", "rendered", "sending", "sent"])
        }
    }

    @Test("missing template data fails the message with a readable error; a 5xx fails it with the server's reply; a 4xx retries, then is dead")
    func failures() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("welcome", #"{"channel": "email", "subject": "Hi {{name}}", "text": "Hello {{name}}"}"#)
            var ids: [String] = []
            for (address, variables) in [("a@example.com", "{}"), ("rejected@example.com", #"{"name": "R"}"#), ("tempfail@example.com", #"{"name": "T"}"#)] {
                let reply = try await fleet.request(.POST, "/v1/messages", body: """
                    {"channel": "email", "to": {"email": "\(address)"}, "template": "welcome", "variables": \(variables)}
                    """)
                ids.append(reply["id"]!.string!)
            }
            let final = try await fleet.waitUntilFinal(ids)
            let missing = final[0].object!, rejected = final[1].object!, temporary = final[2].object!
            #expect(missing["state"] == .string("failed"))
            #expect(missing["last_error"] == .string("render: missing template variables: name"))
            #expect(rejected["state"] == .string("failed"))
            #expect(rejected["last_error"]?.string?.contains("550 5.1.1 Recipient address rejected") == true)
            #expect(temporary["state"] == .string("dead"))
            #expect(temporary["attempts"] == .int(3))
            #expect(temporary["last_error"]?.string?.contains("451") == true)
            let dead = try await fleet.bus.peekDeadLetters(.sendEmail, limit: 10)
            #expect(dead.count == 1)
            #expect(dead.first?.error?.contains("451") == true)
            #expect(try fleet.smtp.received().isEmpty)

            let listed = try await fleet.request(.GET, "/v1/dead-letters?stage=send.email", as: fleet.operatorKey)["dead_letters"]?.array ?? []
            #expect(listed.count == 1)
            #expect(listed.first?.object?["message_ids"] == .array([.string(ids[2])]))
            #expect(listed.first?.object?["attempts"] == .int(3))

            // Replaying over HTTP revives the message for another full round; a selection naming no dead message
            // replays nothing.
            let none = try await fleet.request(.POST, "/v1/dead-letters/send.email/replay", body: #"{"error_contains": "no such error"}"#, as: fleet.operatorKey)
            #expect(none["replayed_jobs"] == .int(0))
            #expect(none["left"] == .int(1))
            let replayed = try await fleet.request(
                .POST, "/v1/dead-letters/send.email/replay", body: #"{"message_ids": ["\#(ids[2])"], "error_contains": "451"}"#, as: fleet.operatorKey)
            #expect(replayed["replayed_jobs"] == .int(1))
            #expect(replayed["revived_messages"] == .int(1))
            try await eventually("the replayed message is dead again after three more attempts") {
                try await fleet.request(.GET, "/v1/messages/\(ids[2])")["attempts"] == .int(6)
            }
            let again = try await fleet.waitUntilFinal([ids[2]])
            #expect(again[0].object?["state"] == .string("dead"))
        }
    }

    @Test("in a job of several messages, the ones sent stay sent and only the refused one is retried, then dead-lettered alone")
    func partOfAJobRetried() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("welcome", #"{"channel": "email", "subject": "Hi", "text": "Hello"}"#)
            let reply = try await fleet.request(.POST, "/v1/procedures", body: """
                {"kind": "mixed", "messages": [
                  {"channel": "email", "to": {"email": "one@example.com"}, "template": "welcome"},
                  {"channel": "email", "to": {"email": "tempfail@example.com"}, "template": "welcome"},
                  {"channel": "email", "to": {"email": "two@example.com"}, "template": "welcome"}
                ]}
                """)
            let ids = reply["message_ids"]?.array?.compactMap(\.string) ?? []
            let final = try await fleet.waitUntilFinal(ids).map { $0.object ?? [:] }
            #expect(final.map { $0["state"] } == [.string("sent"), .string("dead"), .string("sent")])
            #expect(final.map { $0["attempts"] } == [.int(1), .int(3), .int(1)])
            #expect(try fleet.smtp.received().count == 2)
            let dead = try await fleet.bus.peekDeadLetters(.sendEmail, limit: 10)
            #expect(dead.map { $0.messageIDs.map { $0.uuidString.lowercased() } } == [[ids[1]]])
        }
    }
}
