import HeraldPipeline
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import Logging
import Metrics
import HTTPTypes

/// Accepts messages: resolves their templates and recipients, stores them with their procedure in one transaction,
/// then publishes render jobs for those due now. A failed publish loses nothing: the relay's sweep publishes any due
/// message whose job the broker never confirmed.
struct MessageIntake: Sendable {
    let store: any IntakeRecords
    let templates: any TemplateCatalog
    let tenants: any TenantDirectory
    let quietHours: any QuietHoursSettings
    let domains: any DomainOwnership
    let publisher: any JobPublishing
    /// The locale templates fall back to for tenants that set none.
    let defaultLocale: String
    let logger: Logger

    init(stores: APIStores, defaultLocale: String, logger: Logger) {
        store = stores.intake
        templates = stores.templates
        tenants = stores.tenants
        quietHours = stores.quietHours
        domains = stores.domains
        publisher = stores.publisher
        self.defaultLocale = defaultLocale
        self.logger = logger
    }

    /// The default locale for a principal's tenant.
    func defaultLocale(for principal: Principal) -> String {
        principal.defaultLocale ?? defaultLocale
    }

    let accepted = Counter(label: "herald_messages_accepted_total")

    struct Accepted: Sendable {
        var procedureID: UUID
        var messages: [(id: UUID, state: MessageState)]
    }

    /// Builds the rows to store, or throws a validation problem naming each bad message field.
    func prepare(
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
    func store(
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
            await publish(publication)
            return (202, body)
        }
    }

    /// Takes `count` messages from the tenant's rate limit (a token bucket shared by every API replica), all or none.
    func admit(_ count: Int, principal: Principal) async throws {
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

    /// Publishes the render jobs; on failure the sweeper publishes them later.
    func publish(_ publication: PendingPublication?) async {
        await publisher.publish(publication)
    }
}

/// The one rule of idempotency keys: the same key and body get the first answer again; another body is a 409.
enum IdempotencyProblem {
    static let conflict = Problem(
        .conflict, type: "idempotency-conflict", title: "Idempotency key reused",
        detail: "this Idempotency-Key was used with a different request body")

    /// The answer to a request whose key was seen before (found up front, or by losing a race to insert it).
    static func answer(_ stored: IdempotentResponse) throws -> (status: Int, body: [UInt8]) {
        guard stored.sameRequest else { throw conflict }
        return (stored.status, stored.body)
    }
}
