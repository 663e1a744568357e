package import Foundation
import HeraldCore
package import Logging
import PostgresNIO

/// The aggregator's side of the database. One call is one transaction: it locks the recipients whose windows have
/// closed (`FOR UPDATE SKIP LOCKED` on their `recipients` rows, so that two aggregators never share a recipient),
/// takes their due items out of `deferred_items`, and stores what `decide` made of each group: a digest message with
/// its items marked `digested` and linked to it, or the items queued as themselves. A crash or an error before the
/// commit leaves everything as it was, to be taken again, once.
package struct DigestRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    package struct Outcome: Sendable {
        /// Messages now `queued` (digests and items sent as themselves) whose render jobs are to be published.
        package var publication: PendingPublication?
        package var digests = 0
        package var itemsDigested = 0
        package var itemsAlone = 0
        package var recipients = 0
    }

    package func aggregate(
        now: Date, recipientLimit: Int, decide: @Sendable (DeferredGroup) async throws -> DigestDecision
    ) async throws -> Outcome {
        try await client.withTransaction(logger: logger) { connection in
            let locked = try await RecipientRepository.decode(connection.query("""
                select \(unescaped: RecipientRepository.columns) from recipients
                where (tenant_id, external_id) in (
                    select tenant_id, recipient_id from deferred_items where due_at <= \(now)
                    group by tenant_id, recipient_id limit \(recipientLimit)
                )
                for update skip locked
                """, logger: logger))
            var outcome = Outcome()
            guard !locked.isEmpty else { return outcome }
            outcome.recipients = locked.count
            let recipients = Dictionary(locked.map { (Self.key($0.tenantID, $0.externalID), $0) }) { first, _ in first }

            // Three statements, each finding rows by key: joined to the deleted rows, the planner (expecting no
            // message to be `deferred` after a burst of other mail) scanned all of `messages` once per item.
            let deleted = try await connection.query("""
                delete from deferred_items d using unnest(\(locked.map(\.tenantID)), \(locked.map(\.externalID))) as r(tenant_id, recipient_id)
                where d.tenant_id = r.tenant_id and d.recipient_id = r.recipient_id and d.due_at <= \(now)
                returning d.message_id, d.tenant_id, d.recipient_id, d.channel, d.due_at
                """, logger: logger)
            var rows = DeferredRows()
            for try await (id, tenant, recipient, channel, dueAt) in deleted.decode((UUID, UUID, String, String, Date).self) {
                rows.taken[id] = (Self.key(tenant, recipient), channel, dueAt)
            }
            let ids = Array(rows.taken.keys)
            let found = try await connection.query("""
                select id, category, created_at from messages where id = any(\(ids)) and state = 'deferred'
                """, logger: logger)
            for try await (id, category, acceptedAt) in found.decode((UUID, String?, Date).self) {
                rows.messages.append((id, category, acceptedAt))
            }
            let contentRows = try await connection.query("""
                select message_id, subject, text_body, html_body from message_contents where message_id = any(\(ids))
                """, logger: logger)
            for try await (id, subject, text, html) in contentRows.decode((UUID, String?, String, String?).self) {
                rows.contents[id] = (subject, text, html)
            }
            let groups = rows.groups(recipients: recipients)

            var digests: [(tenantID: UUID, message: NewMessage)] = []
            var digested: [(item: UUID, digest: UUID)] = []
            var alone: [UUID] = []
            for group in groups {
                if group.items.count > 1, case .digest(let digest) = try await decide(group) {
                    digests.append((group.recipient.tenantID, digest))
                    digested += group.items.map { ($0.messageID, digest.id) }
                } else {
                    alone += group.items.map(\.messageID)
                }
            }
            for (tenantID, tenantDigests) in Dictionary(grouping: digests, by: \.tenantID).mapValues({ $0.map(\.message) }) {
                let procedureID = UUID()
                try await connection.query(
                    "insert into procedures (id, kind, tenant_id) values (\(procedureID), 'digest', \(tenantID))", logger: logger)
                try await IntakeStore.insertMessages(
                    tenantDigests, procedureID: procedureID, tenantID: tenantID, on: connection, logger: logger)
            }
            if !digests.isEmpty {
                let items = digested.map(\.item)
                let digestIDs = digested.map(\.digest)
                try await connection.query("""
                    with moved as (
                        update messages set state = 'digested', updated_at = now(),
                            digest_id = (\(digestIDs)::uuid[])[array_position(\(items)::uuid[], id)]
                        where id = any(\(items)) and state = 'deferred' returning id, digest_id as digest
                    )
                    insert into message_events (message_id, from_state, to_state, detail)
                    select id, 'deferred', 'digested', 'in digest ' || digest from moved
                    """, logger: logger)
            }
            if !alone.isEmpty {
                try await connection.query("""
                    with moved as (
                        update messages set state = 'queued', updated_at = now()
                        where id = any(\(alone)) and state = 'deferred' returning id
                    ), rerendered as (
                        -- Queued, an item goes through the renderer like any message, which writes its content anew.
                        delete from message_contents where message_id in (select id from moved)
                    )
                    insert into message_events (message_id, from_state, to_state, detail)
                    select id, 'deferred', 'queued', 'window closed' from moved
                    """, logger: logger)
            }
            outcome.publication = try await JobLedger.record(
                digests.map(\.message.id) + alone, stage: .render, on: connection, logger: logger)
            outcome.digests = digests.count
            outcome.itemsDigested = digested.count
            outcome.itemsAlone = alone.count
            return outcome
        }
    }

    /// A recipient's key across tenants: its tenant and its id there.
    typealias RecipientKey = String

    static func key(_ tenantID: UUID, _ externalID: String) -> RecipientKey {
        "\(tenantID.uuidString) \(externalID)"
    }

    /// Deferred items waiting, and how many of them are due at `now`.
    package func backlog(now: Date) async throws -> (waiting: Int, due: Int) {
        let rows = try await client.query(
            "select count(*), count(*) filter (where due_at <= \(now)) from deferred_items", logger: logger)
        for try await (waiting, due) in rows.decode((Int, Int).self) { return (waiting, due) }
        return (0, 0)
    }
}
