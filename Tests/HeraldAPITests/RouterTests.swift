import Foundation
@testable import HeraldAPI
import HeraldIntake
import HeraldCore
import HeraldRuntime
@testable import HeraldStore
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The API's routes over in-memory stores, through Hummingbird's router test client: no server, database or broker,
/// so every rule a route keeps (keys, tenants, problems, idempotency, the rate limit, the callback guard) is checked
/// in milliseconds. The integration and tenancy suites check the same rules against the whole fleet.
@Suite("API routes")
struct RouterTests {
    let memory = InMemoryStores()

    /// Runs `body` with a client of the router over `memory`, configured as `settings` say on top of the defaults.
    func withClient(
        _ settings: [String: String] = [:], _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let configuration = try APIConfiguration(environment: Environment(settings))
        let router = HeraldAPIService.router(
            stores: memory.stores, configuration: configuration, logger: Logger(label: "router-tests"))
        try await Application(router: router).test(.router, body)
    }

    static func headers(_ secret: String?, idempotencyKey: String? = nil) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let secret { headers[.authorization] = "Bearer \(secret)" }
        if let idempotencyKey { headers[HTTPFields.Element.Name("Idempotency-Key")!] = idempotencyKey }
        return headers
    }

    static func email(template: String = "welcome", to address: String = "ada@example.com") -> String {
        #"{"channel": "email", "to": {"email": "\#(address)"}, "template": "\#(template)", "variables": {"name": "Ada"}}"#
    }

    /// The response's JSON object; a body that is not one is recorded as an issue (and read as empty).
    static func object(_ response: TestResponse) -> [String: JSONValue] {
        do {
            if case .object(let object) = try JSONValue.parse(Array(buffer: response.body)) { return object }
        } catch {
            Issue.record("the body is not JSON (\(error)): \(String(buffer: response.body))")
            return [:]
        }
        Issue.record("not a JSON object: \(String(buffer: response.body))")
        return [:]
    }

    /// The names of a problem's invalid fields.
    static func invalidFields(_ response: TestResponse) -> [String] {
        guard case .array(let params)? = object(response)["invalid-params"] else { return [] }
        return params.compactMap { param in
            guard case .object(let fields) = param, case .string(let name)? = fields["name"] else { return nil }
            return name
        }
    }

    static func problemType(_ response: TestResponse) -> String? {
        guard case .string(let type)? = object(response)["type"] else { return nil }
        return type
    }

    @Test("/healthz answers; /readyz is a 503 problem naming what is not ready")
    func health() async throws {
        try await withClient { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            memory.change { $0.notReady = ["broker: connection refused"] }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains("broker: connection refused"))
            }
        }
    }

    @Test("/v1 without a key, with a malformed one or an unknown one is a 401 problem with WWW-Authenticate")
    func unauthenticated() async throws {
        memory.addTenant("shop")
        try await withClient { client in
            for authorization in [nil, "Basic abc", "Bearer ", "Bearer hk_unknown"] {
                var headers = Self.headers(nil)
                if let authorization { headers[.authorization] = authorization }
                try await client.execute(uri: "/v1/messages", method: .post, headers: headers,
                                         body: ByteBuffer(string: Self.email())) { response in
                    #expect(response.status == .unauthorized, "\(authorization ?? "no header")")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    #expect(Self.problemType(response) == "urn:herald:problem:unauthorized")
                }
            }
        }
        #expect(memory.read(\.messages).isEmpty)
    }

    @Test("A message is stored for the key's tenant and its render job published once")
    func accept() async throws {
        let (tenantID, secret) = memory.addTenant("shop")
        memory.addTemplate("welcome", tenantID: tenantID)
        try await withClient { client in
            let id = try await client.execute(uri: "/v1/messages", method: .post, headers: Self.headers(secret),
                                              body: ByteBuffer(string: Self.email())) { response in
                #expect(response.status == .accepted)
                let object = Self.object(response)
                #expect(object["state"] == .string("queued"))
                guard case .string(let id)? = object["id"] else { throw RouterTestError("no id in the answer") }
                return try #require(UUID(uuidString: id))
            }
            let stored = try #require(memory.read { $0.messages[id] })
            #expect(stored.tenantID == tenantID)
            #expect(stored.row.toAddress == "ada@example.com")
            #expect(memory.read(\.published).map(\.messageIDs) == [[id]])
            try await client.execute(uri: "/v1/messages/\(id.lowercased)", method: .get, headers: Self.headers(secret)) {
                #expect($0.status == .ok)
                #expect(Self.object($0)["template"] == .object(["name": .string("welcome"), "version": .int(1)]))
            }
        }
    }

    @Test("Bad fields are one 422 naming each; nothing is stored or published")
    func validation() async throws {
        let (tenantID, secret) = memory.addTenant("shop")
        memory.addTemplate("welcome", tenantID: tenantID)
        memory.addTemplate("code", channel: .sms, tenantID: tenantID)
        let cases: [(body: String, fields: [String])] = [
            (Self.email(template: "missing"), ["template"]),
            (Self.email(template: "code"), ["template"]),
            (Self.email(to: "not an address"), ["to.email"]),
            (#"{"kind": "case", "messages": [\#(Self.email()), \#(Self.email(template: "missing"))]}"#, ["messages[1].template"]),
        ]
        try await withClient { client in
            for (index, (body, fields)) in cases.enumerated() {
                let uri = index == 3 ? "/v1/procedures" : "/v1/messages"
                try await client.execute(uri: uri, method: .post, headers: Self.headers(secret), body: ByteBuffer(string: body)) {
                    #expect($0.status == .unprocessableContent, "\(body)")
                    #expect($0.headers[.contentType] == "application/problem+json")
                    #expect(Self.invalidFields($0) == fields, "\(body)")
                }
            }
            try await client.execute(uri: "/v1/messages", method: .post, headers: Self.headers(secret),
                                     body: ByteBuffer(string: "{not json")) {
                #expect($0.status == .badRequest)
                #expect($0.headers[.contentType] == "application/problem+json")
            }
        }
        #expect(memory.read(\.messages).isEmpty)
        #expect(memory.read(\.published).isEmpty)
    }

    @Test("A repeated Idempotency-Key gets the first answer and stores nothing more; another body is a 409")
    func idempotency() async throws {
        let (tenantID, secret) = memory.addTenant("shop")
        memory.addTemplate("welcome", tenantID: tenantID)
        let other = memory.addTenant("clinic")
        memory.addTemplate("welcome", tenantID: other.tenantID)
        try await withClient { client in
            var answers: [String] = []
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/messages", method: .post, headers: Self.headers(secret, idempotencyKey: "k-1"),
                                         body: ByteBuffer(string: Self.email())) {
                    #expect($0.status == .accepted)
                    answers.append(String(buffer: $0.body))
                }
            }
            #expect(Set(answers).count == 1)
            try await client.execute(uri: "/v1/messages", method: .post, headers: Self.headers(secret, idempotencyKey: "k-1"),
                                     body: ByteBuffer(string: Self.email(to: "grace@example.com"))) {
                #expect($0.status == .conflict)
                #expect(Self.problemType($0) == "urn:herald:problem:idempotency-conflict")
            }
            // Keys belong to a tenant: another tenant's same key is a new request.
            try await client.execute(uri: "/v1/messages", method: .post,
                                     headers: Self.headers(other.secret, idempotencyKey: "k-1"),
                                     body: ByteBuffer(string: Self.email())) {
                #expect($0.status == .accepted)
                #expect(String(buffer: $0.body) != answers[0])
            }
        }
        #expect(memory.read(\.messages).count == 2)
        #expect(memory.read(\.published).count == 2)
    }

    @Test("Over the rate limit: 429 with Retry-After; over the burst: 413; nothing stored either way")
    func rateLimit() async throws {
        let (tenantID, secret) = memory.addTenant("shop", ratePerMinute: 60, burst: 2)
        memory.addTemplate("welcome", tenantID: tenantID)
        memory.change { $0.tokens[tenantID] = 0 }
        try await withClient { client in
            try await client.execute(uri: "/v1/messages", method: .post, headers: Self.headers(secret),
                                     body: ByteBuffer(string: Self.email())) {
                #expect($0.status == .tooManyRequests)
                #expect($0.headers[.retryAfter] == "1")
                #expect(Self.problemType($0) == "urn:herald:problem:rate-limited")
            }
            let three = #"{"kind": "case", "messages": [\#(Self.email()), \#(Self.email()), \#(Self.email())]}"#
            try await client.execute(uri: "/v1/procedures", method: .post, headers: Self.headers(secret),
                                     body: ByteBuffer(string: three)) {
                #expect($0.status == .contentTooLarge)
                #expect(Self.problemType($0) == "urn:herald:problem:over-burst")
            }
        }
        #expect(memory.read(\.messages).isEmpty)
    }

    @Test("A tenant cannot read, list, cancel or retry another tenant's message: each is a 404 or absent")
    func isolation() async throws {
        let shop = memory.addTenant("shop")
        let clinic = memory.addTenant("clinic")
        memory.addTemplate("welcome", tenantID: shop.tenantID)
        try await withClient { client in
            let id = try await client.execute(uri: "/v1/messages", method: .post, headers: Self.headers(shop.secret),
                                              body: ByteBuffer(string: Self.email())) { response in
                guard case .string(let id)? = Self.object(response)["id"] else { throw RouterTestError("no id") }
                return id
            }
            for (method, uri) in [(HTTPRequest.Method.get, "/v1/messages/\(id)"), (.delete, "/v1/messages/\(id)"),
                                  (.post, "/v1/messages/\(id)/retry")] {
                try await client.execute(uri: uri, method: method, headers: Self.headers(clinic.secret)) {
                    #expect($0.status == .notFound, "\(method) \(uri)")
                }
            }
            try await client.execute(uri: "/v1/messages", method: .get, headers: Self.headers(clinic.secret)) {
                #expect($0.status == .ok)
                #expect(Self.object($0)["messages"] == .array([]))
            }
            // The owner still can, and its message was not cancelled by the other tenant's request.
            try await client.execute(uri: "/v1/messages/\(id)", method: .delete, headers: Self.headers(shop.secret)) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test("Callback URLs that reach private, loopback or link-local addresses are refused unless allowed")
    func callbackGuard() async throws {
        let (tenantID, secret) = memory.addTenant("shop")
        @Sendable func body(_ url: String) -> ByteBuffer {
            ByteBuffer(string: #"{"url": "\#(url)", "secret": "0123456789abcdef0123"}"#)
        }
        let refused = ["http://10.0.0.1/hook", "http://127.0.0.1:8080/hook", "http://169.254.169.254/latest",
                       "http://[::1]/hook", "http://192.168.1.1/hook", "ftp://93.184.216.34/hook"]
        try await withClient { client in
            for url in refused {
                try await client.execute(uri: "/v1/callback", method: .put, headers: Self.headers(secret), body: body(url)) {
                    #expect($0.status == .unprocessableContent, "\(url)")
                    #expect(Self.invalidFields($0) == ["url"], "\(url)")
                }
            }
        }
        #expect(memory.read { $0.tenants[tenantID]?.callbackURL } == nil)
        try await withClient(["HERALD_CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8"]) { client in
            try await client.execute(uri: "/v1/callback", method: .put, headers: Self.headers(secret),
                                     body: body("http://127.0.0.1:8080/hook")) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/callback", method: .put, headers: Self.headers(secret),
                                     body: body("http://10.0.0.1/hook")) { #expect($0.status == .unprocessableContent) }
        }
        #expect(memory.read { $0.tenants[tenantID]?.callbackURL } == "http://127.0.0.1:8080/hook")
    }

    @Test("Dead letters act on every tenant, so a tenant's key gets a 403 and an operator's a listing")
    func operatorOnly() async throws {
        let tenant = memory.addTenant("shop")
        let admin = memory.addTenant("ops", isOperator: true)
        try await withClient { client in
            try await client.execute(uri: "/v1/dead-letters", method: .get, headers: Self.headers(tenant.secret)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/v1/dead-letters", method: .get, headers: Self.headers(admin.secret)) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test("A body over HERALD_API_MAX_BODY_BYTES is a 413 problem; an unknown route a 404 problem")
    func limits() async throws {
        let (tenantID, secret) = memory.addTenant("shop")
        memory.addTemplate("welcome", tenantID: tenantID)
        try await withClient(["HERALD_API_MAX_BODY_BYTES": "1024"]) { client in
            let padded = #"{"channel": "email", "to": {"email": "a@example.com"}, "template": "welcome", "variables": {"pad": "\#(String(repeating: "x", count: 2000))"}}"#
            try await client.execute(uri: "/v1/messages", method: .post, headers: Self.headers(secret),
                                     body: ByteBuffer(string: padded)) {
                #expect($0.status == .contentTooLarge)
                #expect($0.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/v1/nothing-here", method: .get, headers: Self.headers(secret)) {
                #expect($0.status == .notFound)
                #expect($0.headers[.contentType] == "application/problem+json")
            }
        }
        #expect(memory.read(\.messages).isEmpty)
    }

    @Test("A notification follows its recipient's preference: queued now, or deferred with deliver_after; unknown recipients 422")
    func notifications() async throws {
        let (tenantID, secret) = memory.addTenant("shop")
        memory.addTemplate("welcome", tenantID: tenantID)
        for (id, preference) in [("ada", DeliveryPreference.immediate), ("bob", .daily(hour: 8))] {
            memory.change { state in
                state.recipients["\(tenantID)/\(id)"] = Recipient(
                    tenantID: tenantID, externalID: id, email: "\(id)@example.com", phone: nil, locale: nil,
                    timeZone: "UTC", emailPreference: preference, smsPreference: .immediate)
            }
        }
        let other = memory.addTenant("clinic")
        try await withClient { client in
            for (recipient, state) in [("ada", "queued"), ("bob", "deferred")] {
                try await client.execute(
                    uri: "/v1/notifications", method: .post, headers: Self.headers(secret),
                    body: ByteBuffer(string: #"{"recipient": "\#(recipient)", "template": "welcome", "variables": {"name": "A"}}"#)
                ) {
                    #expect($0.status == .accepted)
                    #expect(Self.object($0)["state"] == .string(state))
                    #expect((Self.object($0)["deliver_after"] != nil) == (state == "deferred"))
                }
            }
            // Another tenant's recipient is unknown to this one.
            try await client.execute(
                uri: "/v1/notifications", method: .post, headers: Self.headers(other.secret),
                body: ByteBuffer(string: #"{"recipient": "ada", "template": "welcome"}"#)
            ) {
                #expect($0.status == .unprocessableContent)
                #expect(Self.invalidFields($0) == ["recipient"])
            }
        }
        #expect(memory.read(\.messages).count == 2)
        #expect(memory.read(\.published).count == 1)
    }

    @Test("A reminder schedules one message per remind_before; the same key again while pending is a 409")
    func reminders() async throws {
        let (tenantID, secret) = memory.addTenant("shop")
        memory.addTemplate("welcome", tenantID: tenantID)
        let due = Timestamp.string(Date().addingTimeInterval(3 * 86_400))
        let body = #"{"key": "case-7", "due_at": "\#(due)", "remind_before": ["P1D", "PT2H"], "channel": "email", "to": {"email": "a@example.com"}, "template": "welcome"}"#
        try await withClient { client in
            try await client.execute(uri: "/v1/reminders", method: .post, headers: Self.headers(secret),
                                     body: ByteBuffer(string: body)) {
                #expect($0.status == .accepted)
                guard case .array(let times)? = Self.object($0)["remind_at"] else {
                    Issue.record("no remind_at")
                    return
                }
                #expect(times.count == 2)
            }
            #expect(memory.read { $0.messages.values.map(\.row.state) } == [.scheduled, .scheduled])
            #expect(memory.read(\.published).isEmpty)
            try await client.execute(uri: "/v1/reminders", method: .post, headers: Self.headers(secret),
                                     body: ByteBuffer(string: body)) {
                #expect($0.status == .conflict)
                #expect(Self.problemType($0) == "urn:herald:problem:reminder-exists")
            }
            try await client.execute(uri: "/v1/reminders/case-7", method: .delete, headers: Self.headers(secret)) {
                #expect($0.status == .ok)
                #expect(Self.object($0)["cancelled"] == .int(2))
            }
        }
    }

}

struct RouterTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
