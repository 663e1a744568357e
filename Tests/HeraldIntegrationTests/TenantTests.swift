import Foundation
import HeraldCore
import HeraldStore
import NIOHTTP1
import Testing

@Suite("Tenants: isolation, locale fallback, previews, rate limits")
struct TenantTests {
    @Test("two tenants with the same template name and recipient id stay apart; a foreign id is a 404 everywhere")
    func tenantsStayApart() async throws {
        try await TestFleet.with { fleet in
            let other = try await fleet.tenant("acme")
            try await fleet.putTemplate("welcome", #"{"channel": "email", "subject": "Default", "text": "default {{x}}"}"#)
            try await fleet.putTemplate("welcome", #"{"channel": "email", "subject": "Acme", "text": "acme {{x}}"}"#, as: other)
            for (key, email) in [(fleet.key, "d@example.com"), (other, "a@example.com")] {
                let put = try await fleet.request(.PUT, "/v1/recipients/r-1", body: #"{"email": "\#(email)", "preference": "immediate"}"#, as: key)
                #expect(put.status == 201, "each tenant creates its own r-1: \(put.body)")
            }
            let mine = try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "recipient": "r-1", "template": "welcome", "variables": {"x": 1}}"#)
            let theirs = try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "recipient": "r-1", "template": "welcome", "variables": {"x": 2}}"#, as: other)
            let ids = [mine["id"]?.string ?? "", theirs["id"]?.string ?? ""]
            _ = try await fleet.waitUntilFinal([ids[0]])
            try await eventually("acme's message is sent") {
                try await fleet.request(.GET, "/v1/messages/\(ids[1])", as: other)["state"] == .string("sent")
            }
            let mail = try fleet.smtp.received()
            let subjects = Dictionary(mail.compactMap { m -> (String, String)? in
                guard let to = m.object?["rcpt_tos"]?.array?.first?.string, let subject = m.object?["subject"]?.string else { return nil }
                return (to, subject)
            }) { first, _ in first }
            #expect(subjects == ["d@example.com": "Default", "a@example.com": "Acme"])

            // Every route that names an id answers 404 for another tenant's.
            let procedure = mine["procedure_id"]?.string ?? ""
            for (method, path) in [
                (HTTPMethod.GET, "/v1/messages/\(ids[0])"), (.DELETE, "/v1/messages/\(ids[0])"),
                (.POST, "/v1/messages/\(ids[0])/retry"), (.GET, "/v1/procedures/\(procedure)"),
                (.DELETE, "/v1/procedures/\(procedure)"),
            ] {
                let reply = try await fleet.request(method, path, as: other)
                #expect(reply.status == 404, "\(method) \(path) from another tenant: \(reply.status)")
            }
            let listed = try await fleet.request(.GET, "/v1/messages", as: other)
            #expect(listed["messages"]?.array?.compactMap { $0.object?["id"]?.string } == [ids[1]])
            let third = try await fleet.tenant("empty")
            #expect(try await fleet.request(.GET, "/v1/templates/welcome", as: third).status == 404)
            #expect(try await fleet.request(.GET, "/v1/recipients/r-1", as: third).status == 404)
            #expect(try await fleet.request(.GET, "/v1/templates", as: third)["templates"] == .array([]))
            let refused = try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "recipient": "r-1", "template": "welcome"}"#, as: third)
            #expect(refused.status == 422)
            #expect(refused.invalidParams == ["template", "recipient"] || refused.invalidParams == ["template"])
        }
    }

    @Test("a template answers through the locale fallbacks to the default locale, then its only locale; else 422 names the locales it has")
    func localeFallback() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("only-en", #"{"channel": "email", "locale": "en", "subject": "EN", "text": "en"}"#)
            try await fleet.putTemplate("only-pl", #"{"channel": "email", "locale": "pl", "subject": "PL", "text": "pl"}"#)
            try await fleet.putTemplate("pl-fr", #"{"channel": "email", "locale": "pl", "subject": "PL", "text": "pl"}"#)
            try await fleet.putTemplate("pl-fr", #"{"channel": "email", "locale": "fr", "subject": "FR", "text": "fr"}"#)
            func send(_ template: String, locale: String?, as key: String? = nil) async throws -> TestFleet.Reply {
                let localeField = locale.map { #", "locale": "\#($0)""# } ?? ""
                return try await fleet.request(.POST, "/v1/messages", body: #"{"channel": "email", "to": {"email": "x@example.com"}, "template": "\#(template)"\#(localeField)}"#, as: key)
            }
            for (template, locale) in [("only-en", nil), ("only-en", "en-GB"), ("only-pl", "de"), ("pl-fr", "fr-CA")] {
                let reply = try await send(template, locale: locale)
                #expect(reply.status == 202, "\(template) for \(locale ?? "no locale"): \(reply.body)")
            }
            let refused = try await send("pl-fr", locale: "de")
            #expect(refused.status == 422)
            let reason = refused.body.object?["invalid-params"]?.array?.first?.object?["reason"]?.string ?? ""
            #expect(reason.contains("'fr'") && reason.contains("'pl'") && reason.contains("'de'"), "\(reason)")
            let polish = try await fleet.tenant("polish", defaultLocale: "pl")
            try await fleet.putTemplate("pl-fr", #"{"channel": "email", "locale": "pl", "subject": "PL", "text": "pl"}"#, as: polish)
            try await fleet.putTemplate("pl-fr", #"{"channel": "email", "locale": "fr", "subject": "FR", "text": "fr"}"#, as: polish)
            let preview = try await fleet.request(.POST, "/v1/templates/pl-fr/preview", body: #"{"locale": "de"}"#, as: polish)
            #expect(preview["subject"] == .string("PL"), "the tenant's default locale answers: \(preview.body)")
        }
    }

    @Test("preview renders without sending; missing variables and output over the limit are a 422")
    func preview() async throws {
        try await TestFleet.with { fleet in
            try await fleet.putTemplate("case", #"{"channel": "email", "subject": "Case {{case}}", "text": "{{#items}}{{.}}{{/items}} {{name}}", "html": "<b>{{name}}</b>"}"#)
            let ok = try await fleet.request(.POST, "/v1/templates/case/preview", body: #"{"variables": {"case": 7, "name": "<Ann>", "items": ["a", "b"]}}"#)
            #expect(ok.status == 200)
            #expect(ok["subject"] == .string("Case 7"))
            #expect(ok["text"] == .string("ab <Ann>"))
            #expect(ok["html"] == .string("<b>&lt;Ann&gt;</b>"))
            let missing = try await fleet.request(.POST, "/v1/templates/case/preview", body: #"{"variables": {"case": 7}}"#)
            #expect(missing.status == 422)
            #expect(missing.body.object?["invalid-params"]?.array?.first?.object?["reason"]?.string?.contains("missing template variables: name") == true, "\(missing.body)")
            let huge = String(repeating: "x", count: 600_000)
            let tooBig = try await fleet.request(.POST, "/v1/templates/case/preview", body: #"{"variables": {"case": 1, "name": "n", "items": ["\#(huge)", "\#(huge)"]}}"#)
            #expect(tooBig.status == 422, "\(tooBig.body)")
            #expect(try await fleet.request(.POST, "/v1/templates/nope/preview", body: "{}").status == 404)
            #expect(try await fleet.messageCount() == 0)
            let listed = try await fleet.request(.GET, "/v1/templates")
            #expect(listed["templates"]?.array?.first?.object?["name"] == .string("case"))
        }
    }

    @Test("a tenant's rate limit holds across two API replicas: 429 with Retry-After, a procedure all or nothing")
    func rateLimitAcrossReplicas() async throws {
        try await TestFleet.with { fleet in
            // One token a minute: no token comes back while the test runs, however slow the machine, so the
            // counts below are exact. The refused procedure lacks one token: Retry-After is at most 60 s.
            let limited = try await fleet.tenant("limited", ratePerMinute: 1, burst: 4)
            try await fleet.putTemplate("hi", #"{"channel": "email", "subject": "Hi", "text": "hi"}"#, as: limited)
            let one = #"{"channel": "email", "to": {"email": "r@example.com"}, "template": "hi"}"#
            for replica in [0, 1, 0] {
                let reply = try await fleet.request(.POST, "/v1/messages", body: one, as: limited, replica: replica)
                #expect(reply.status == 202)
            }
            let procedure = #"{"kind": "k", "messages": [\#(one), \#(one)]}"#
            let refused = try await fleet.request(.POST, "/v1/procedures", body: procedure, as: limited, replica: 1)
            #expect(refused.status == 429)
            #expect(refused.contentType == "application/problem+json")
            let retryAfter = refused.headers.first { $0.0.lowercased() == "retry-after" }.flatMap { Int($0.1) }
            #expect(retryAfter.map { (1...60).contains($0) } == true, "Retry-After: \(String(describing: retryAfter))")
            #expect(try await fleet.request(.POST, "/v1/messages", body: one, as: limited, replica: 1).status == 202)
            #expect(try await fleet.request(.POST, "/v1/messages", body: one, as: limited, replica: 0).status == 429)
            let tooBig = try await fleet.request(.POST, "/v1/procedures", body: #"{"kind": "k", "messages": [\#(one), \#(one), \#(one), \#(one), \#(one)]}"#, as: limited)
            #expect(tooBig.status == 413)
            #expect(try await fleet.messageCount() == 4)
            // Another tenant is not held back by this one's limit.
            try await fleet.putTemplate("hi", #"{"channel": "email", "subject": "Hi", "text": "hi"}"#)
            #expect(try await fleet.request(.POST, "/v1/messages", body: one).status == 202)
        }
    }
}
