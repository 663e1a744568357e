import Foundation
@testable import HeraldAPI
import HeraldIntake
import HeraldBus
import HeraldCore
@testable import HeraldPipeline
@testable import HeraldStore
import Synchronization

/// What the API stores, kept in memory for the router tests: the same rules the PostgreSQL stores keep (a tenant sees
/// only its own rows, an idempotency key answers once per tenant, a procedure is stored whole or not at all), so a
/// test can tell whether a route asked the right store the right thing.
final class InMemoryStores: Sendable {
    struct StoredMessage {
        var tenantID: UUID
        var procedureID: UUID
        var row: NewMessage
        var templateName: String
        var createdAt: Date
    }

    struct State {
        var principals: [String: Principal] = [:]
        var tenants: [UUID: Tenant] = [:]
        /// Tokens left in each tenant's bucket; a tenant not listed has as many as it asks for.
        var tokens: [UUID: Int] = [:]
        var templates: [UUID: [Template]] = [:]
        var messages: [UUID: StoredMessage] = [:]
        var procedures: [UUID: (tenantID: UUID, kind: String)] = [:]
        var idempotency: [String: (body: [UInt8], response: IdempotentResponse)] = [:]
        var recipients: [String: Recipient] = [:]
        var published: [PendingPublication] = []
        var quietHours: [UUID: [MessageChannel: QuietHours]] = [:]
        var suppressions: [UUID: [Suppression]] = [:]
        var notReady: [String] = []
        var nextLedgerRow: Int64 = 1

        /// Ids as the templates table's sequence gives them.
        var nextTemplateID: Int64 { Int64(templates.values.reduce(0) { $0 + $1.count } + 1) }
    }

    let state = Mutex(State())

    func read<T>(_ body: (State) -> T) -> T { state.withLock { body($0) } }
    func change<T>(_ body: (inout State) -> T) -> T { state.withLock { body(&$0) } }

    /// A tenant with one key; returns the key's secret.
    @discardableResult
    func addTenant(
        _ name: String, ratePerMinute: Int = 3_000, burst: Int = 1_000, isOperator: Bool = false
    ) -> (tenantID: UUID, secret: String) {
        let tenantID = UUID()
        let secret = "hk_\(name)_\(UUID().uuidString)"
        change { state in
            state.tenants[tenantID] = Tenant(
                id: tenantID, name: name, ratePerMinute: ratePerMinute, burst: burst, defaultLocale: nil, callbackURL: nil,
                createdAt: Date())
            state.principals[secret] = Principal(
                keyID: UUID(), tenantID: tenantID, ratePerMinute: ratePerMinute, burst: burst, defaultLocale: nil,
                isOperator: isOperator)
        }
        return (tenantID, secret)
    }

    func addTemplate(_ name: String, channel: MessageChannel = .email, tenantID: UUID, locale: String = "") {
        change { state in
            state.templates[tenantID, default: []].append(Template(
                id: state.nextTemplateID, name: name, locale: locale, version: 1, channel: channel, subject: "Hello", text: "Hi {{name}}",
                html: nil, createdAt: Date()))
        }
    }

    var stores: APIStores {
        APIStores(
            intake: Intake(memory: self), templates: Templates(memory: self), tenants: Tenants(memory: self),
            quietHours: Hours(memory: self), domains: Domains(), queries: Queries(memory: self),
            control: Control(memory: self), recipients: Recipients(memory: self), suppressions: Suppressions(memory: self),
            inbound: Inbound(), keys: Keys(memory: self), reports: Reports(), deadLetters: DeadLetters(),
            publisher: Publisher(memory: self), readiness: { [self] in read(\.notReady) })
    }

    func record(_ id: UUID) -> MessageRecord? {
        read { state in
            state.messages[id].map { stored in
                MessageRecord(
                    id: stored.row.id, procedureID: stored.procedureID, reference: stored.row.reference,
                    recipientID: stored.row.recipientID, channel: stored.row.channel.rawValue, state: stored.row.state.rawValue,
                    templateName: stored.templateName, templateVersion: 1, locale: stored.row.locale,
                    sendAt: stored.row.sendAt, providerID: nil, attempts: 0, lastError: nil, segments: nil,
                    createdAt: stored.createdAt, updatedAt: stored.createdAt, erasedAt: nil, events: [],
                    createdMicros: Int64(stored.createdAt.timeIntervalSince1970 * 1_000_000))
            }
        }
    }

    struct Keys: KeyDirectory {
        let memory: InMemoryStores
        func authenticate(_ secret: String) async throws -> Principal? { memory.read { $0.principals[secret] } }
        func principal(keyID: UUID) async throws -> Principal? {
            memory.read { $0.principals.values.first { $0.keyID == keyID } }
        }
    }

    struct Tenants: TenantDirectory {
        let memory: InMemoryStores
        func get(_ id: UUID) async throws -> Tenant? { memory.read { $0.tenants[id] } }
        func setCallback(tenantID: UUID, url: String, secret: String) async throws {
            memory.change { $0.tenants[tenantID]?.callbackURL = url }
        }
        func removeCallback(tenantID: UUID) async throws -> Bool {
            memory.change { state in
                defer { state.tenants[tenantID]?.callbackURL = nil }
                return state.tenants[tenantID]?.callbackURL != nil
            }
        }
        func take(_ count: Int, tenantID: UUID, ratePerMinute: Int, burst: Int) async throws -> Duration? {
            memory.change { state in
                guard let left = state.tokens[tenantID] else { return nil }
                guard left >= count else { return .seconds(Double(count - left) * 60 / Double(ratePerMinute)) }
                state.tokens[tenantID] = left - count
                return nil
            }
        }
    }

    struct Templates: TemplateCatalog {
        let memory: InMemoryStores
        func put(
            tenantID: UUID, name: String, locale: String, channel: MessageChannel, subject: String?, text: String,
            html: String?, category: String?, unsubscribe: Bool, sender: String?
        ) async throws -> Template {
            memory.change { state in
                let versions = state.templates[tenantID, default: []].filter { $0.name == name && $0.locale == locale }
                let template = Template(
                    id: state.nextTemplateID, name: name, locale: locale,
                    version: versions.count + 1, channel: channel, subject: subject, text: text, html: html,
                    createdAt: Date(), category: category, unsubscribe: unsubscribe, sender: sender)
                state.templates[tenantID, default: []].append(template)
                return template
            }
        }
        func resolve(tenantID: UUID, name: String, locale: String, defaultLocale: String) async throws -> TemplateResolution {
            let versions = try await latest(tenantID: tenantID, name: name)
            guard !versions.isEmpty else { return .missing }
            guard let template = Template.choose(from: versions, locale: locale, defaultLocale: defaultLocale) else {
                return .noLocale(available: versions.map(\.locale))
            }
            return .found(template)
        }
        func latest(tenantID: UUID, name: String) async throws -> [Template] {
            memory.read { state in
                let named = state.templates[tenantID, default: []].filter { $0.name == name }
                return Dictionary(grouping: named, by: \.locale).values.compactMap { $0.max { $0.version < $1.version } }
            }
        }
        func list(tenantID: UUID) async throws -> [Template] { memory.read { $0.templates[tenantID, default: []] } }
    }

    struct Intake: IntakeRecords {
        let memory: InMemoryStores
        func insertProcedure(
            id: UUID, kind: String, tenantID: UUID, apiKeyID: UUID?, messages: [NewMessage],
            idempotency: IdempotencyRecord?
        ) async throws -> IntakeStore.InsertOutcome {
            memory.change { state in
                if let idempotency {
                    let key = "\(tenantID)/\(idempotency.key)"
                    if let (body, response) = state.idempotency[key] {
                        var stored = response
                        stored.sameRequest = body == idempotency.requestBody
                        return .replay(stored)
                    }
                    state.idempotency[key] = (idempotency.requestBody, idempotency.response)
                }
                state.procedures[id] = (tenantID, kind)
                let names = Dictionary(
                    state.templates[tenantID, default: []].map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
                for row in messages {
                    state.messages[row.id] = StoredMessage(
                        tenantID: tenantID, procedureID: id, row: row, templateName: names[row.templateID] ?? "",
                        createdAt: Date())
                }
                let due = messages.filter { $0.state == .queued }.map(\.id)
                guard !due.isEmpty else { return .inserted(nil) }
                defer { state.nextLedgerRow += 1 }
                return .inserted(PendingPublication(ledgerRow: state.nextLedgerRow, stage: .render, messageIDs: due))
            }
        }
        func cancelReminder(key: String, tenantID: UUID) async throws -> Int {
            memory.change { state in
                let ids = state.messages.filter { _, stored in
                    stored.tenantID == tenantID && stored.row.reminderKey == key && stored.row.state == .scheduled
                }.keys
                for id in ids { state.messages[id]?.row.state = .cancelled }
                return ids.count
            }
        }
        func pendingReminders(key: String, tenantID: UUID) async throws -> Int {
            memory.read { state in
                state.messages.values.filter {
                    $0.tenantID == tenantID && $0.row.reminderKey == key && $0.row.state == .scheduled
                }.count
            }
        }
        func idempotentResponse(tenantID: UUID, key: String, requestBody: [UInt8]) async throws -> IdempotentResponse? {
            memory.read { state in
                state.idempotency["\(tenantID)/\(key)"].map { body, response in
                    var stored = response
                    stored.sameRequest = body == requestBody
                    return stored
                }
            }
        }
        func recipientAddresses(
            _ externalIDs: [String], channel: MessageChannel, tenantID: UUID
        ) async throws -> [String: (address: String, timeZone: String?)] {
            memory.read { state in
                var found: [String: (address: String, timeZone: String?)] = [:]
                for id in externalIDs {
                    if let recipient = state.recipients["\(tenantID)/\(id)"], let address = recipient.address(for: channel) {
                        found[id] = (address, recipient.timeZoneGiven ? recipient.timeZone : nil)
                    }
                }
                return found
            }
        }
    }

    struct Queries: MessageHistory {
        let memory: InMemoryStores
        func message(_ id: UUID, tenantID: UUID?) async throws -> MessageRecord? {
            guard memory.read({ state in state.messages[id].map { tenantID == nil || $0.tenantID == tenantID } ?? false })
            else { return nil }
            return memory.record(id)
        }
        func list(_ filter: MessageFilter, tenantID: UUID) async throws -> (messages: [MessageRecord], next: ListPosition?) {
            let ids = memory.read { state in
                state.messages.values.filter { $0.tenantID == tenantID }.sorted { $0.createdAt > $1.createdAt }.map(\.row.id)
            }
            return (ids.prefix(filter.limit).compactMap(memory.record), nil)
        }
        func procedure(_ id: UUID, tenantID: UUID, page: MessageFilter) async throws -> ProcedureRecord? {
            guard let procedure = memory.read({ $0.procedures[id] }), procedure.tenantID == tenantID else { return nil }
            let ids = memory.read { state in state.messages.values.filter { $0.procedureID == id }.map(\.row.id) }
            let messages = ids.compactMap(memory.record)
            return ProcedureRecord(
                id: id, kind: procedure.kind, createdAt: Date(),
                counts: Dictionary(grouping: messages, by: \.state).mapValues(\.count), messages: messages, next: nil)
        }
    }

    struct Control: MessageCommands {
        let memory: InMemoryStores
        func cancel(_ id: UUID, tenantID: UUID) async throws -> MessageControl.Outcome {
            memory.change { state in
                guard let stored = state.messages[id], stored.tenantID == tenantID else { return .notFound }
                guard [.scheduled, .queued].contains(stored.row.state) else { return .refused(stored.row.state) }
                state.messages[id]?.row.state = .cancelled
                return .done
            }
        }
        func cancelProcedure(_ id: UUID, tenantID: UUID) async throws -> (cancelled: Int, notCancelled: Int)? { nil }
        func retry(
            _ id: UUID, tenantID: UUID, interval: Duration
        ) async throws -> (MessageControl.Outcome, PendingPublication?) {
            memory.change { state in
                guard let stored = state.messages[id], stored.tenantID == tenantID else { return (.notFound, nil) }
                return (.refused(stored.row.state), nil)
            }
        }
    }

    struct Recipients: RecipientDirectory {
        let memory: InMemoryStores
        func put(_ recipient: Recipient) async throws -> Bool {
            memory.change { state in
                state.recipients.updateValue(recipient, forKey: "\(recipient.tenantID)/\(recipient.externalID)") == nil
            }
        }
        func get(_ externalID: String, tenantID: UUID) async throws -> Recipient? {
            memory.read { $0.recipients["\(tenantID)/\(externalID)"] }
        }
    }

    struct Hours: QuietHoursSettings {
        let memory: InMemoryStores
        func get(tenantID: UUID) async throws -> [MessageChannel: QuietHours] { memory.read { $0.quietHours[tenantID] ?? [:] } }
        func put(_ hours: [MessageChannel: QuietHours], tenantID: UUID) async throws {
            memory.change { $0.quietHours[tenantID] = hours }
        }
        func delete(tenantID: UUID) async throws -> Bool {
            memory.change { $0.quietHours.removeValue(forKey: tenantID) != nil }
        }
    }

    struct Suppressions: SuppressionList {
        let memory: InMemoryStores
        func list(_ filter: SuppressionFilter, tenantID: UUID) async throws -> (entries: [Suppression], next: ListPosition?) {
            (memory.read { $0.suppressions[tenantID] ?? [] }, nil)
        }
        func suppress(
            tenantID: UUID, channel: MessageChannel, address: String, reason: Suppression.Reason, category: String?,
            messageID: UUID?, note: String?, expiresAt: Date?
        ) async throws -> Suppression {
            let entry = Suppression(
                channel: channel, address: address, reason: reason, category: category, messageID: messageID, note: note,
                createdAt: Date(), expiresAt: expiresAt, position: ListPosition(createdMicros: 0, id: UUID()))
            memory.change { $0.suppressions[tenantID, default: []].append(entry) }
            return entry
        }
        func remove(tenantID: UUID, channel: MessageChannel, address: String) async throws -> Int {
            memory.change { state in
                let before = state.suppressions[tenantID]?.count ?? 0
                state.suppressions[tenantID]?.removeAll { $0.channel == channel && $0.address == address }
                return before - (state.suppressions[tenantID]?.count ?? 0)
            }
        }
        func unsubscribe(messageID: UUID) async throws -> Bool { false }
        func deliverability(tenantID: UUID, period: Duration) async throws -> Deliverability { Deliverability() }
    }

    struct Publisher: JobPublishing {
        let memory: InMemoryStores
        func publish(_ publication: PendingPublication?) async -> Bool {
            if let publication { memory.change { $0.published.append(publication) } }
            return true
        }
    }

    /// The ports these tests do not reach answer as an empty fleet would.
    struct Domains: DomainOwnership {
        func owned(_ domains: Set<String>, tenantID: UUID) async throws -> Set<String> { [] }
    }

    struct Inbound: InboundMailbox {
        func tenant(ofNumber number: String) async throws -> UUID? { nil }
        func record(
            tenantID: UUID, requestID: String, from: String, to: String, text: String, keyword: SMSKeywords.Keyword?
        ) async throws -> InboundStore.Recorded { .duplicate }
        func list(tenantID: UUID, limit: Int, after: ListPosition?) async throws -> (messages: [InboundMessage], next: ListPosition?) {
            ([], nil)
        }
    }

    struct Reports: ReportLedger {
        func apply(_ reports: [DeliveryReport], grace: Duration) async throws -> [UUID: DeliveryReportOutcome] { [:] }
    }

    struct DeadLetters: DeadLetterQueues {
        func list(_ stage: Stage, limit: Int) async throws -> [DeadLetter] { [] }
        func replay(_ stage: Stage, selection: DeadLetterDesk.Selection, limit: Int) async throws -> DeadLetterDesk.Report {
            DeadLetterDesk.Report()
        }
        func purge(_ stage: Stage) async throws -> Int { 0 }
    }
}
