import Foundation
import HeraldBus
import HeraldCore
import HeraldRendering
import HeraldServer
import HeraldStore
import Hummingbird
import Logging
import NIOCore

/// The `/v1` endpoints.
struct APIHandlers: Sendable {
    let intake: MessageIntake
    let templates: TemplateRepository
    let store: IntakeStore
    let queries: MessageQueries
    let recipients: RecipientRepository
    let clock: any HeraldClock
    let maxBodySize: Int
    /// At most this many messages in one procedure.
    let maxProcedureSize: Int

    // MARK: Templates

    func putTemplate(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let name = try templateName(context)
        let body = try await readJSON(request)
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(body, allowed: ["channel", "locale", "subject", "text", "html"], problems: &problems)
        let channel = reader.choice("channel", MessageChannel.self, problems: &problems)
        let locale = reader.string("locale", maxLength: 35, problems: &problems) ?? ""
        let subject = reader.string("subject", maxLength: 1000, problems: &problems)
        let text = reader.string("text", required: true, maxLength: 100_000, singleLine: false, problems: &problems)
        let html = reader.string("html", maxLength: 500_000, singleLine: false, problems: &problems)
        TemplateRules.check(channel: channel, subject: subject, text: text, html: html, problems: &problems)
        guard problems.isEmpty, let channel, let text else { throw Problem.validation(problems) }
        let template = try await templates.put(
            name: name, locale: locale, channel: channel, subject: subject, text: text, html: html)
        return json(.created, Self.templateJSON(template))
    }

    func getTemplate(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let name = try templateName(context)
        let versions = try await templates.latest(name: name)
        guard !versions.isEmpty else { throw Problem.notFound("no template named '\(name)'") }
        return json(.ok, .object(["name": .string(name), "locales": .array(versions.map(Self.templateJSON))]))
    }

    private func templateName(_ context: HeraldRequestContext) throws -> String {
        let name = context.parameters.get("name") ?? ""
        guard !name.isEmpty, name.count <= 200, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw Problem.validation([.init("name", "must be a template name (letters, digits, '.', '_', '-')")])
        }
        return name
    }

    static func templateJSON(_ template: Template) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(template.name), "locale": .string(template.locale), "version": .int(Int64(template.version)),
            "channel": .string(template.channel.rawValue), "text": .string(template.text),
            "created_at": .string(Timestamp.string(template.createdAt)),
        ]
        if let subject = template.subject { object["subject"] = .string(subject) }
        if let html = template.html { object["html"] = .string(html) }
        return .object(object)
    }

    // MARK: Messages and procedures

    func postMessage(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (bytes, body) = try await readBody(request)
        if let replay = try await replay(request, context: context, body: bytes) { return replay }
        var problems: [Problem.InvalidParam] = []
        guard let message = MessageRequest.parse(body, path: "", problems: &problems) else {
            throw Problem.validation(problems)
        }
        let rows = try await intake.prepare([message], paths: [""])
        let (status, response) = try await intake.store(
            rows, kind: "ad-hoc", apiKeyID: context.apiKeyID, idempotencyKey: idempotencyKey(request),
            requestBody: bytes
        ) { accepted in
            let (id, state) = accepted.messages[0]
            return Array(JSONValue.object([
                "id": .string(id.lowercased), "procedure_id": .string(accepted.procedureID.lowercased),
                "state": .string(state.rawValue),
            ]).encoded().utf8)
        }
        return raw(status, response)
    }

    func postProcedure(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (bytes, body) = try await readBody(request)
        if let replay = try await replay(request, context: context, body: bytes) { return replay }
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(body, allowed: ["kind", "messages"], problems: &problems)
        let kind = reader.string("kind", required: true, maxLength: 100, problems: &problems)
        var requests: [MessageRequest] = []
        var paths: [String] = []
        switch reader.object["messages"] {
        case .array(let items) where items.isEmpty:
            problems.append(.init("messages", "must hold at least one message"))
        case .array(let items) where items.count > maxProcedureSize:
            problems.append(.init("messages", "holds \(items.count) messages; at most \(maxProcedureSize) fit in one procedure"))
        case .array(let items):
            for (index, item) in items.enumerated() {
                let path = "messages[\(index)]"
                if let message = MessageRequest.parse(item, path: path, problems: &problems) {
                    requests.append(message)
                    paths.append(path)
                }
            }
        case nil, .null:
            problems.append(.init("messages", "is required"))
        case let other?:
            problems.append(.init("messages", "must be an array, got \(other.typeName)"))
        }
        guard problems.isEmpty, let kind else { throw Problem.validation(problems) }
        let rows = try await intake.prepare(requests, paths: paths)
        let (status, response) = try await intake.store(
            rows, kind: kind, apiKeyID: context.apiKeyID, idempotencyKey: idempotencyKey(request), requestBody: bytes
        ) { accepted in
            Array(JSONValue.object([
                "id": .string(accepted.procedureID.lowercased),
                "message_ids": .array(accepted.messages.map { .string($0.id.lowercased) }),
            ]).encoded().utf8)
        }
        return raw(status, response)
    }

    func getMessage(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try uuidParameter(context, "id")
        guard let message = try await queries.message(id) else { throw Problem.notFound("no message \(id.lowercased)") }
        var object: [String: JSONValue] = [
            "id": .string(message.id.lowercased), "procedure_id": .string(message.procedureID.lowercased),
            "channel": .string(message.channel), "state": .string(message.state),
            "template": .object(["name": .string(message.templateName), "version": .int(Int64(message.templateVersion))]),
            "locale": .string(message.locale), "send_at": .string(Timestamp.string(message.sendAt)),
            "attempts": .int(Int64(message.attempts)), "created_at": .string(Timestamp.string(message.createdAt)),
            "updated_at": .string(Timestamp.string(message.updatedAt)),
            "provider_id": message.providerID.map(JSONValue.string) ?? .null,
            "last_error": message.lastError.map(JSONValue.string) ?? .null,
            "events": .array(message.events.map { event in
                .object([
                    "from": event.from.map(JSONValue.string) ?? .null, "to": .string(event.to),
                    "detail": event.detail.map(JSONValue.string) ?? .null, "at": .string(Timestamp.string(event.at)),
                ])
            }),
        ]
        if let segments = message.segments { object["segments"] = .int(Int64(segments)) }
        if let erasedAt = message.erasedAt { object["erased_at"] = .string(Timestamp.string(erasedAt)) }
        return json(.ok, .object(object))
    }

    func getProcedure(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try uuidParameter(context, "id")
        guard let procedure = try await queries.procedure(id) else { throw Problem.notFound("no procedure \(id.lowercased)") }
        return json(.ok, .object([
            "id": .string(procedure.id.lowercased), "kind": .string(procedure.kind),
            "created_at": .string(Timestamp.string(procedure.createdAt)),
            "counts": .object(procedure.counts.mapValues { .int(Int64($0)) }),
            "messages": .array(procedure.messages.map {
                .object(["id": .string($0.id.lowercased), "state": .string($0.state), "channel": .string($0.channel)])
            }),
        ]))
    }

    // MARK: Helpers

    func readBody(_ request: Request) async throws -> ([UInt8], JSONValue) {
        try await request.json(upTo: maxBodySize)
    }

    func readJSON(_ request: Request) async throws -> JSONValue {
        try await readBody(request).1
    }

    static let idempotencyHeader = HTTPFields.Element.Name("Idempotency-Key")!

    func idempotencyKey(_ request: Request) -> String? {
        request.headers[Self.idempotencyHeader].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Answers a repeated idempotency key before any validation: the first response again, or 409 for another body.
    func replay(_ request: Request, context: HeraldRequestContext, body: [UInt8]) async throws -> Response? {
        guard let key = idempotencyKey(request) else { return nil }
        guard key.count <= 200, !key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Problem.validation([.init("Idempotency-Key", "must be at most 200 printable characters")])
        }
        guard let apiKeyID = context.apiKeyID,
              let stored = try await store.idempotentResponse(apiKeyID: apiKeyID, key: key, requestBody: body)
        else { return nil }
        guard stored.sameRequest else { throw IdempotencyProblem.conflict }
        return raw(stored.status, stored.body)
    }

    private func uuidParameter(_ context: HeraldRequestContext, _ name: String) throws -> UUID {
        guard let raw = context.parameters.get(name), let id = UUID(uuidString: raw) else {
            throw Problem.notFound("'\(context.parameters.get(name) ?? "")' is not an id")
        }
        return id
    }

}

func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
    Response(status: status, headers: [.contentType: "application/json"],
             body: .init(byteBuffer: ByteBuffer(string: value.encoded())))
}

func raw(_ status: Int, _ body: [UInt8]) -> Response {
    Response(status: .init(code: status), headers: [.contentType: "application/json"],
             body: .init(byteBuffer: ByteBuffer(bytes: body)))
}

extension UUID {
    var lowercased: String { uuidString.lowercased() }
}
