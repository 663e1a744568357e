package import Foundation
import HeraldCore
package import Logging
import PostgresNIO

/// The ledger of delivery-status callbacks (table `callbacks`, filled by a trigger in the transaction of each state
/// change). A row lives until its receiver took it (deleted) or its last attempt failed (`dead_at`). `due_at` is its
/// deadline: a sender claims due rows by moving it past the job timeout, publishes their jobs, and whoever handles a
/// job moves it again; a row whose job was lost comes due and is published again.
package struct CallbackStore: Sendable {
    let client: PostgresClient
    let jobTimeout: Duration
    let logger: Logger

    package init(database: Database, jobTimeout: Duration, logger: Logger) {
        self.client = database.client
        self.jobTimeout = jobTimeout
        self.logger = logger
    }

    /// Claims up to `limit` due callbacks (replicas skip each other's) until the job timeout; publish their jobs.
    package func claimDue(limit: Int) async throws -> [UUID] {
        let rows = try await client.query("""
            update callbacks set due_at = now() + make_interval(secs => \(jobTimeout.inSeconds))
            where id in (
                select id from callbacks where due_at <= now() and dead_at is null
                order by due_at limit \(limit) for update skip locked
            )
            returning id
            """, logger: logger)
        return try await rows.decode(UUID.self).collect()
    }

    /// Leases the callbacks of these ids still to deliver until `lease` from now (a sender that dies with them leaves
    /// them to come due again then), with their tenant's receiver and the message as it is now.
    package func lease(_ ids: [UUID], for lease: Duration) async throws -> [PendingCallback] {
        let rows = try await client.query("""
            with leased as (
                update callbacks set due_at = now() + make_interval(secs => \(lease.inSeconds))
                where id = any(\(ids)) and dead_at is null
                returning id, tenant_id, message_id, inbound_id, state, at, detail, attempts
            )
            select c.id, c.tenant_id, t.callback_url, t.callback_secret, coalesce(c.message_id, c.inbound_id), m.reference,
                   m.procedure_id, coalesce(m.channel, 'sms'), c.state, c.at, m.provider_id, c.detail, c.attempts,
                   i.from_number, i.to_number, i.text
            from leased c join tenants t on t.id = c.tenant_id
            left join messages m on m.id = c.message_id
            left join inbound_messages i on i.id = c.inbound_id
            where t.callback_url is not null and t.callback_secret is not null and (m.id is not null or i.id is not null)
            """, logger: logger)
        var found: [PendingCallback] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            func column<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T {
                try columns[index].decode(T.self, context: .default)
            }
            let from: String? = try column(13)
            found.append(PendingCallback(
                id: try column(0), tenantID: try column(1), url: try column(2), secret: try column(3),
                messageID: try column(4), reference: try column(5), procedureID: try column(6), channel: try column(7),
                state: try column(8), at: try column(9), providerID: try column(10), detail: try column(11),
                attempts: try column(12),
                inbound: try from.map { .init(from: $0, to: try column(14), text: try column(15)) }))
        }
        return found
    }

    /// Held back without an attempt (their receiver is backed off, or its queue is long): due again at `until`.
    package func holdBack(_ ids: [UUID], until: Date) async throws {
        guard !ids.isEmpty else { return }
        try await client.query("update callbacks set due_at = \(until) where id = any(\(ids)) and dead_at is null", logger: logger)
    }

    /// The receiver took them.
    package func delivered(_ ids: [UUID]) async throws {
        guard !ids.isEmpty else { return }
        try await client.query("delete from callbacks where id = any(\(ids))", logger: logger)
    }

    /// Attempted and failed: due again after `delay`, when the relay publishes them again.
    package func retrying(_ ids: [UUID], error: String, delay: Duration) async throws {
        guard !ids.isEmpty else { return }
        try await client.query("""
            update callbacks set attempts = attempts + 1, last_error = \(error),
                due_at = now() + make_interval(secs => \(delay.inSeconds))
            where id = any(\(ids))
            """, logger: logger)
    }

    /// Their last attempt failed: they wait in the dead letters.
    package func dead(_ ids: [UUID], error: String) async throws {
        guard !ids.isEmpty else { return }
        try await client.query("""
            update callbacks set attempts = attempts + 1, last_error = \(error), dead_at = now() where id = any(\(ids))
            """, logger: logger)
    }

    /// Brings dead callbacks back for a replay (their job is published by the caller); returns those revived.
    package func revive(_ ids: [UUID]) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        let rows = try await client.query("""
            update callbacks set dead_at = null, due_at = now() + make_interval(secs => \(jobTimeout.inSeconds))
            where id = any(\(ids)) and dead_at is not null returning id
            """, logger: logger)
        return try await rows.decode(UUID.self).collect()
    }
}
