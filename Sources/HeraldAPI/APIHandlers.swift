import HeraldIntake
import HeraldPipeline
import Foundation
import HeraldBus
import HeraldCore
import HeraldProviders
import HeraldRendering
import HeraldRuntime
import HeraldStore
import Hummingbird
import Logging
import NIOCore

/// The `/v1` endpoints.
struct APIHandlers: Sendable {
    let intake: MessageIntake
    let queries: any MessageHistory
    let control: any MessageCommands
    /// Renders previews with the renderer's limits.
    let renderer: MessageRenderer
    let maxBodySize: Int
    /// Which addresses callback URLs may reach.
    let callbackAddresses: CallbackAddressPolicy
    /// The least time between two retries of one message at the client's request.
    let retryInterval: Duration
    let suppressions: any SuppressionList
    let inbound: any InboundMailbox
    /// The stop and start words of SMS replies.
    let smsKeywords: SMSKeywords

    // The intake's own stores and publisher, which the other routes use too.
    var templates: any TemplateCatalog { intake.templates }
    var store: any IntakeRecords { intake.store }
    var tenants: any TenantDirectory { intake.tenants }
    var publisher: any JobPublishing { intake.publisher }
    var recipients: any RecipientDirectory { intake.recipients }

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
        guard let (status, response) = try await intake.replay(
            idempotencyKey(request), tenantID: try context.authenticated().tenantID, body: body)
        else { return nil }
        return raw(status, response)
    }

    func uuidParameter(_ context: HeraldRequestContext, _ name: String) throws -> UUID {
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
