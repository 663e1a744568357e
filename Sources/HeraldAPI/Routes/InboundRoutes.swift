import HeraldIntake
import Foundation
import HeraldCore
import HeraldProviders
import HeraldStore
import Hummingbird
import Metrics

/// SMS that recipients send back: Tyntec POSTs each to `/v1/providers/tyntec/inbound/{token}` (no API key: the
/// token, `HERALD_TYNTEC_INBOUND_TOKEN`, is the credential, and a wrong one is a 404). The number it was sent to
/// names the tenant (`herald ctl numbers add`); the message is stored once per Tyntec `requestId`, and a stop word
/// suppresses the sender's number for that tenant's SMS (a start word lifts it), in the same statement, before the
/// 2xx: a crash before it means Tyntec sends it again. A number no tenant has is answered 2xx, counted and dropped.
/// Tenants list theirs with `GET /v1/inbound`.
extension APIHandlers {
    func addInboundRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.get("inbound", use: listInbound)
    }

    func addProviderRoutes(to group: RouterGroup<HeraldRequestContext>, inboundToken: String?) {
        group.post("tyntec/inbound/:token") { request, context in
            try await receiveTyntecInbound(request, context: context, token: inboundToken)
        }
    }

    static let inboundOutcomes = Dictionary(uniqueKeysWithValues: ["stored", "stop", "start", "duplicate", "unknown_number"].map {
        ($0, Counter(label: "herald_inbound_sms_total", dimensions: [("outcome", $0)]))
    })

    func receiveTyntecInbound(_ request: Request, context: HeraldRequestContext, token: String?) async throws -> Response {
        guard let token, let given = context.parameters.get("token"), ProviderTokens.constantTimeEqual(Array(given.utf8), Array(token.utf8)) else {
            throw Problem.notFound("no such inbound URL")
        }
        let body = try await request.json(upTo: min(maxBodySize, 64 << 10)).1
        var problems: [Problem.InvalidParam] = []
        guard case .object(let fields) = body else {
            throw Problem.validation([.init("body", "must be a JSON object (Tyntec's InboundMessage)")])
        }
        func text(_ name: String, maxLength: Int) -> String? {
            guard case .string(let value)? = fields[name] else {
                problems.append(.init(name, fields[name] == nil ? "is required" : "must be a string"))
                return nil
            }
            guard value.count <= maxLength else {
                problems.append(.init(name, "is longer than \(maxLength) characters"))
                return nil
            }
            return value
        }
        func phone(_ name: String) -> String? {
            guard let raw = text(name, maxLength: 32) else { return nil }
            guard let number = Suppression.normalized(raw, channel: .sms) else {
                problems.append(.init(name, "is not a phone number"))
                return nil
            }
            return number
        }
        let requestID = text("requestId", maxLength: 200)
        let from = phone("from")
        let to = phone("to")
        let message = text("message", maxLength: 5000)
        if let requestID, requestID.isEmpty { problems.append(.init("requestId", "must not be empty")) }
        guard problems.isEmpty, let requestID, let from, let to, let message else { throw Problem.validation(problems) }

        guard let tenantID = try await inbound.tenant(ofNumber: to) else {
            Self.inboundOutcomes["unknown_number"]?.increment()
            return json(.ok, .object(["status": .string("dropped: the number is no tenant's")]))
        }
        let keyword = smsKeywords.keyword(in: message)
        switch try await inbound.record(
            tenantID: tenantID, requestID: requestID, from: from, to: to, text: message, keyword: keyword)
        {
        case .duplicate:
            Self.inboundOutcomes["duplicate"]?.increment()
            return json(.ok, .object(["status": .string("duplicate")]))
        case .stored(let id):
            Self.inboundOutcomes[keyword?.rawValue ?? "stored"]?.increment()
            return json(.ok, .object(["status": .string("stored"), "id": .string(id.lowercased)]))
        }
    }

    func listInbound(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let page = try Self.filter(request.uri.queryParameters, allowed: ["limit", "cursor"])
        let (messages, next) = try await inbound.list(
            tenantID: try context.authenticated().tenantID, limit: page.limit, after: page.after)
        return json(.ok, .object([
            "inbound": .array(messages.map { message in
                .object([
                    "id": .string(message.id.lowercased), "channel": .string("sms"), "from": .string(message.from),
                    "to": .string(message.to), "text": .string(message.text),
                    "keyword": message.keyword.map(JSONValue.string) ?? .null,
                    "at": .string(Timestamp.string(message.receivedAt)),
                ])
            }),
            "next_cursor": next.map { .string($0.cursor) } ?? .null,
        ]))
    }
}
