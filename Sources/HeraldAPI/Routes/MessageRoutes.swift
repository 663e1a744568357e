import Foundation
import HeraldCore
import HeraldRendering
import HeraldRuntime
import HeraldStore
import Hummingbird

/// `/v1/messages` and `/v1/procedures`: direct messages, alone or all-or-nothing in a procedure.
extension APIHandlers {
    func addMessageRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.post("messages", use: postMessage)
        group.get("messages/:id", use: getMessage)
        group.post("procedures", use: postProcedure)
        addMessageQueryRoutes(to: group)
    }

    func postMessage(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (bytes, body) = try await readBody(request)
        let (status, response) = try await accept(
            .message, bytes: bytes, body: body, principal: try context.authenticated(),
            idempotencyKey: idempotencyKey(request))
        return raw(status, response)
    }

    func postProcedure(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (bytes, body) = try await readBody(request)
        let (status, response) = try await accept(
            .procedure, bytes: bytes, body: body, principal: try context.authenticated(),
            idempotencyKey: idempotencyKey(request))
        return raw(status, response)
    }

    /// What a request asks to be accepted: the body of `POST /v1/messages` or of `POST /v1/procedures`.
    enum AcceptKind: Sendable {
        case message
        case procedure
    }

    /// Accepts a message or a procedure for a principal, as HTTP and the intake queue both do: a repeated idempotency
    /// key gets its first answer (or a 409), then the body is validated, its templates and recipients resolved, the
    /// rate limit taken and everything stored. Returns the status and body of the answer, or throws the problem.
    func accept(
        _ kind: AcceptKind, bytes: [UInt8], body: JSONValue, principal: Principal, idempotencyKey: String?
    ) async throws -> (status: Int, body: [UInt8]) {
        if let stored = try await replay(idempotencyKey, tenantID: principal.tenantID, body: bytes) { return stored }
        var problems: [Problem.InvalidParam] = []
        switch kind {
        case .message:
            guard let message = MessageRequest.parse(body, path: "", problems: &problems) else {
                throw Problem.validation(problems)
            }
            let rows = try await intake.prepare([message], paths: [""], principal: principal)
            return try await intake.store(
                rows, kind: "ad-hoc", principal: principal, idempotencyKey: idempotencyKey, requestBody: bytes
            ) { accepted in
                let (id, state) = accepted.messages[0]
                return Array(JSONValue.object([
                    "id": .string(id.lowercased), "procedure_id": .string(accepted.procedureID.lowercased),
                    "state": .string(state.rawValue),
                ]).encoded().utf8)
            }
        case .procedure:
            let reader = FieldReader(body, allowed: ["kind", "messages"], problems: &problems)
            let procedureKind = reader.string("kind", required: true, maxLength: 100, problems: &problems)
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
            guard problems.isEmpty, let procedureKind else { throw Problem.validation(problems) }
            let rows = try await intake.prepare(requests, paths: paths, principal: principal)
            return try await intake.store(
                rows, kind: procedureKind, principal: principal, idempotencyKey: idempotencyKey, requestBody: bytes
            ) { accepted in
                Array(JSONValue.object([
                    "id": .string(accepted.procedureID.lowercased),
                    "message_ids": .array(accepted.messages.map { .string($0.id.lowercased) }),
                ]).encoded().utf8)
            }
        }
    }

    func getMessage(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try uuidParameter(context, "id")
        guard let message = try await queries.message(id, tenantID: try context.authenticated().tenantID) else {
            throw Problem.notFound("no message \(id.lowercased)")
        }
        var object = Self.messageJSON(message)
        object["events"] = .array(message.events.map { event in
            .object([
                "from": event.from.map(JSONValue.string) ?? .null, "to": .string(event.to),
                "detail": event.detail.map(JSONValue.string) ?? .null, "at": .string(Timestamp.string(event.at)),
            ])
        })
        return json(.ok, .object(object))
    }

    /// A message as `GET /v1/messages/{id}` and the listings show it (the former adds its events).
    static func messageJSON(_ message: MessageRecord) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "id": .string(message.id.lowercased), "procedure_id": .string(message.procedureID.lowercased),
            "reference": message.reference.map(JSONValue.string) ?? .null,
            "recipient": message.recipientID.map(JSONValue.string) ?? .null,
            "channel": .string(message.channel), "state": .string(message.state),
            "template": .object(["name": .string(message.templateName), "version": .int(Int64(message.templateVersion))]),
            "locale": .string(message.locale), "send_at": .string(Timestamp.string(message.sendAt)),
            "attempts": .int(Int64(message.attempts)), "created_at": .string(Timestamp.string(message.createdAt)),
            "updated_at": .string(Timestamp.string(message.updatedAt)),
            "provider_id": message.providerID.map(JSONValue.string) ?? .null,
            "last_error": message.lastError.map(JSONValue.string) ?? .null,
        ]
        if let segments = message.segments { object["segments"] = .int(Int64(segments)) }
        if let erasedAt = message.erasedAt { object["erased_at"] = .string(Timestamp.string(erasedAt)) }
        return object
    }
}
