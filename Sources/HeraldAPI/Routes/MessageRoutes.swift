import HeraldIntake
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
        let (status, response) = try await intake.accept(
            .message, bytes: bytes, body: body, principal: try context.authenticated(),
            idempotencyKey: idempotencyKey(request))
        return raw(status, response)
    }

    func postProcedure(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (bytes, body) = try await readBody(request)
        let (status, response) = try await intake.accept(
            .procedure, bytes: bytes, body: body, principal: try context.authenticated(),
            idempotencyKey: idempotencyKey(request))
        return raw(status, response)
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
