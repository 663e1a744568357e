import HeraldPipeline
package import Foundation
import HeraldBus
package import HeraldCore
import HeraldRuntime
package import HeraldStore
package import Logging
import Metrics
import HTTPTypes
package import HeraldRendering

/// Accepts messages: resolves their templates and recipients, stores them with their procedure in one transaction,
/// then publishes render jobs for those due now. A failed publish loses nothing: the relay's sweep publishes any due
/// message whose job the broker never confirmed.
package struct MessageIntake: Sendable {
    package let store: any IntakeRecords
    package let templates: any TemplateCatalog
    package let tenants: any TenantDirectory
    package let quietHours: any QuietHoursSettings
    package let domains: any DomainOwnership
    package let publisher: any JobPublishing
    package let recipients: any RecipientDirectory
    let clock: any HeraldClock
    /// Renders notifications at acceptance, with the renderer's limits.
    let renderer: MessageRenderer
    /// The locale templates fall back to for tenants that set none.
    package let defaultLocale: String
    /// At most this many messages in one procedure.
    let maxProcedureSize: Int
    let logger: Logger

    package init(
        store: any IntakeRecords, templates: any TemplateCatalog, tenants: any TenantDirectory,
        quietHours: any QuietHoursSettings, domains: any DomainOwnership, publisher: any JobPublishing,
        recipients: any RecipientDirectory, clock: any HeraldClock, renderer: MessageRenderer,
        defaultLocale: String, maxProcedureSize: Int, logger: Logger
    ) {
        self.store = store
        self.templates = templates
        self.tenants = tenants
        self.quietHours = quietHours
        self.domains = domains
        self.publisher = publisher
        self.recipients = recipients
        self.clock = clock
        self.renderer = renderer
        self.defaultLocale = defaultLocale
        self.maxProcedureSize = maxProcedureSize
        self.logger = logger
    }

    /// What a request asks to be accepted: the body of `POST /v1/messages` or of `POST /v1/procedures`.
    package enum AcceptKind: Sendable {
        case message
        case procedure
    }

    /// Accepts a message or a procedure for a principal, as HTTP and the intake queue both do: a repeated idempotency
    /// key gets its first answer (or a 409), then the body is validated, its templates and recipients resolved, the
    /// rate limit taken and everything stored. Returns the status and body of the answer, or throws the problem.
    package func accept(
        _ kind: AcceptKind, bytes: [UInt8], body: JSONValue, principal: Principal, idempotencyKey: String?
    ) async throws -> (status: Int, body: [UInt8]) {
        if let stored = try await replay(idempotencyKey, tenantID: principal.tenantID, body: bytes) { return stored }
        var problems: [Problem.InvalidParam] = []
        switch kind {
        case .message:
            guard let message = MessageRequest.parse(body, path: "", problems: &problems) else {
                throw Problem.validation(problems)
            }
            let rows = try await prepare([message], paths: [""], principal: principal)
            return try await store(
                rows, kind: "ad-hoc", principal: principal, idempotencyKey: idempotencyKey, requestBody: bytes
            ) { accepted in
                let (id, state) = accepted.messages[0]
                return Array(JSONValue.object([
                    "id": .string(id.uuidString.lowercased()), "procedure_id": .string(accepted.procedureID.uuidString.lowercased()),
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
            let rows = try await prepare(requests, paths: paths, principal: principal)
            return try await store(
                rows, kind: procedureKind, principal: principal, idempotencyKey: idempotencyKey, requestBody: bytes
            ) { accepted in
                Array(JSONValue.object([
                    "id": .string(accepted.procedureID.uuidString.lowercased()),
                    "message_ids": .array(accepted.messages.map { .string($0.id.uuidString.lowercased()) }),
                ]).encoded().utf8)
            }
        }
    }

    /// The first answer to a request with this idempotency key, if the tenant used the key before; a 409 problem if
    /// it did with another body.
    package func replay(_ key: String?, tenantID: UUID, body: [UInt8]) async throws -> (status: Int, body: [UInt8])? {
        guard let key else { return nil }
        guard key.count <= 200, !key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Problem.validation([.init("Idempotency-Key", "must be at most 200 printable characters")])
        }
        guard let stored = try await store.idempotentResponse(tenantID: tenantID, key: key, requestBody: body) else {
            return nil
        }
        return try IdempotencyProblem.answer(stored)
    }


    /// The default locale for a principal's tenant.
    package func defaultLocale(for principal: Principal) -> String {
        principal.defaultLocale ?? defaultLocale
    }

    let accepted = Counter(label: "herald_messages_accepted_total")

    package struct Accepted: Sendable {
        package var procedureID: UUID
        package var messages: [(id: UUID, state: MessageState)]
    }

    /// Builds the rows to store, or throws a validation problem naming each bad message field.
    package func prepare(
        _ requests: [MessageRequest], paths: [String], principal: Principal, now: Date = Date()
    ) async throws -> [NewMessage] {
        let tenantID = principal.tenantID
        let senders: [(path: String, sender: String)] = zip(requests, paths).compactMap { request, path in
            guard request.channel == .email, let sender = request.sender else { return nil }
            return (path.isEmpty ? "from" : "\(path).from", sender)
        }
        var problems = try await EmailSender.check(senders, tenantID: tenantID, domains: domains)
        var resolved: [String: TemplateResolution] = [:]
        for request in requests {
            let key = "\(request.template)\u{0}\(request.locale)"
            if resolved[key] == nil {
                resolved[key] = try await templates.resolve(
                    tenantID: tenantID, name: request.template, locale: request.locale,
                    defaultLocale: defaultLocale(for: principal))
            }
        }
        var addresses: [MessageChannel: [String: (address: String, timeZone: String?)]] = [:]
        for channel in MessageChannel.allCases {
            let ids = requests.compactMap { request -> String? in
                guard request.channel == channel, case .recipient(let id) = request.destination else { return nil }
                return id
            }
            if !ids.isEmpty {
                addresses[channel] = try await store.recipientAddresses(Array(Set(ids)), channel: channel, tenantID: tenantID)
            }
        }

        var rows: [NewMessage] = []
        rows.reserveCapacity(requests.count)
        var tenantHours: [MessageChannel: QuietHours]?
        for (request, path) in zip(requests, paths) {
            let field = { (name: String) in path.isEmpty ? name : "\(path).\(name)" }
            let resolution = resolved["\(request.template)\u{0}\(request.locale)"] ?? .missing
            guard let template = resolution.template else {
                problems.append(.init(field("template"), resolution.problem(name: request.template, locale: request.locale) ?? ""))
                continue
            }
            guard template.channel == request.channel else {
                problems.append(.init(field("template"), "template '\(request.template)' is for \(template.channel.rawValue), not \(request.channel.rawValue)"))
                continue
            }
            let address: String
            let name: String?
            var recipientID: String?
            var zone = request.timeZone
            switch request.destination {
            case .address(let value, let displayName):
                (address, name) = (value, displayName)
            case .recipient(let id):
                guard let found = addresses[request.channel]?[id] else {
                    problems.append(.init(field("recipient"), "no recipient '\(id)' with an \(request.channel == .email ? "email address" : "phone number")"))
                    continue
                }
                (address, name) = (found.address, nil)
                recipientID = id
                zone = found.timeZone
            }
            let due = request.sendAt.map { $0 <= now } ?? true
            var row = NewMessage(
                channel: request.channel, toAddress: address, toName: name, templateID: template.id,
                locale: request.locale, variablesJSON: request.variablesJSON, state: due ? .queued : .scheduled,
                sendAt: request.sendAt ?? now, sender: request.sender)
            row.recipientID = recipientID
            row.reference = request.reference
            if !request.urgent, let zone {
                if tenantHours == nil { tenantHours = try await quietHours.get(tenantID: tenantID) }
                QuietHoursRule.hold(&row, hours: tenantHours?[row.channel], timeZone: zone)
            }
            rows.append(row)
        }
        if !problems.isEmpty { throw Problem.validation(problems) }
        return rows
    }

    /// Stores the procedure and publishes what is due, once the tenant's rate limit allows all its messages.
    /// `respond` builds the response body from the ids, so that the same bytes can be kept for the idempotency key
    /// inside the same transaction.
    package func store(
        _ rows: [NewMessage], kind: String, principal: Principal, idempotencyKey: String?, requestBody: [UInt8],
        respond: (Accepted) -> [UInt8]
    ) async throws -> (status: Int, body: [UInt8]) {
        try await admit(rows.count, principal: principal)
        let procedureID = UUID()
        let result = Accepted(procedureID: procedureID, messages: rows.map { ($0.id, $0.state) })
        let body = respond(result)
        let idempotency = idempotencyKey.map {
            IdempotencyRecord(key: $0, requestBody: requestBody, response: IdempotentResponse(status: 202, body: body))
        }
        switch try await store.insertProcedure(
            id: procedureID, kind: kind, tenantID: principal.tenantID, apiKeyID: principal.keyID, messages: rows,
            idempotency: idempotency)
        {
        case .replay(let stored):
            return try IdempotencyProblem.answer(stored)
        case .inserted(let publication):
            accepted.increment(by: rows.count)
            // On failure the relay's sweep publishes the render jobs later.
            await publisher.publish(publication)
            return (202, body)
        }
    }

    /// Takes `count` messages from the tenant's rate limit (a token bucket shared by every API replica), all or none.
    package func admit(_ count: Int, principal: Principal) async throws {
        guard count <= principal.burst else {
            throw Problem(
                .contentTooLarge, type: "over-burst", title: "More messages than the rate limit allows at once",
                detail: "the request holds \(count) messages; this tenant's rate limit takes at most \(principal.burst) at once "
                    + "(\(principal.ratePerMinute) a minute): split it")
        }
        guard let wait = try await tenants.take(
            count, tenantID: principal.tenantID, ratePerMinute: principal.ratePerMinute, burst: principal.burst)
        else { return }
        let seconds = max(1, Int(wait.inSeconds.rounded(.up)))
        limited.increment()
        throw Problem(
            .tooManyRequests, type: "rate-limited", title: "Rate limit exceeded",
            detail: "this tenant may send \(principal.ratePerMinute) messages a minute with bursts of \(principal.burst); "
                + "\(count) more fit in \(seconds) s",
            headers: [.retryAfter: "\(seconds)"])
    }

    let limited = Counter(label: "herald_requests_rate_limited_total")
}

/// The one rule of idempotency keys: the same key and body get the first answer again; another body is a 409.
package enum IdempotencyProblem {
    package static let conflict = Problem(
        .conflict, type: "idempotency-conflict", title: "Idempotency key reused",
        detail: "this Idempotency-Key was used with a different request body")

    /// The answer to a request whose key was seen before (found up front, or by losing a race to insert it).
    package static func answer(_ stored: IdempotentResponse) throws -> (status: Int, body: [UInt8]) {
        guard stored.sameRequest else { throw conflict }
        return (stored.status, stored.body)
    }
}
