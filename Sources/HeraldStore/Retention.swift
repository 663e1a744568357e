import Foundation
import HeraldCore
package import Logging
import PostgresNIO

/// Erases and forgets messages as `RetentionPolicy` says, in small batches that replicas share (`SKIP LOCKED`).
package struct Retention: Sendable {
    let client: PostgresClient
    let policy: RetentionPolicy
    let logger: Logger

    /// Final states, as `MessageState.isFinal(for:)` has them, as SQL.
    static let finalCondition = """
        (m.state in ('delivered', 'undeliverable', 'digested', 'failed', 'dead', 'cancelled', 'suppressed', 'bounced', 'complained')
         or (m.state = 'sent' and m.channel = 'email'))
        """

    package init(database: Database, policy: RetentionPolicy, logger: Logger) {
        self.client = database.client
        self.policy = policy
        self.logger = logger
    }

    /// Erases the personal data of up to `limit` messages final for longer than the policy's period; returns how
    /// many. Their rendered content goes, their address and variables are emptied, and the address is replaced by
    /// `[erased]` in their last error and event details (SMTP replies often quote it).
    package func erase(limit: Int) async throws -> Int {
        let seconds = policy.personalData.inSeconds
        return try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                select m.id, m.to_address from messages m
                where m.erased_at is null and m.created_at < now() - make_interval(secs => \(seconds))
                  and m.updated_at < now() - make_interval(secs => \(seconds)) and \(unescaped: Self.finalCondition)
                order by m.created_at limit \(limit) for update skip locked
                """, logger: logger)
            var ids: [UUID] = []
            var addresses: [String] = []
            for try await (id, address) in rows.decode((UUID, String).self) {
                ids.append(id)
                addresses.append(address)
            }
            guard !ids.isEmpty else { return 0 }
            try await connection.query("""
                update message_events e set detail = replace(e.detail, b.address, '[erased]')
                from unnest(\(ids)::uuid[], \(addresses)::text[]) as b(id, address)
                where e.message_id = b.id and b.address <> '' and strpos(e.detail, b.address) > 0
                """, logger: logger)
            try await connection.query("delete from message_contents where message_id = any(\(ids))", logger: logger)
            try await connection.query("delete from sms_polls where message_id = any(\(ids))", logger: logger)
            // Callbacks still held by then are dead ones; their detail may quote the address too.
            try await connection.query("delete from callbacks where message_id = any(\(ids))", logger: logger)
            try await connection.query("""
                update messages m set to_address = '', to_name = null, variables = '{}', erased_at = now(),
                    last_error = case when b.address <> '' then replace(m.last_error, b.address, '[erased]') else m.last_error end
                from unnest(\(ids)::uuid[], \(addresses)::text[]) as b(id, address)
                where m.id = b.id
                """, logger: logger)
            return ids.count
        }
    }

    /// Deletes up to `limit` erased messages accepted longer ago than the history period, with their events, and
    /// the procedures left with no message; returns how many messages.
    package func forget(limit: Int) async throws -> Int {
        let seconds = policy.history.inSeconds
        return try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                select id, procedure_id from messages
                where erased_at is not null and created_at < now() - make_interval(secs => \(seconds))
                order by created_at limit \(limit) for update skip locked
                """, logger: logger)
            var ids: [UUID] = []
            var procedures: Set<UUID> = []
            for try await (id, procedure) in rows.decode((UUID, UUID).self) {
                ids.append(id)
                procedures.insert(procedure)
            }
            guard !ids.isEmpty else { return 0 }
            try await connection.query("delete from message_events where message_id = any(\(ids))", logger: logger)
            try await connection.query("delete from deferred_items where message_id = any(\(ids))", logger: logger)
            try await connection.query("delete from messages where id = any(\(ids))", logger: logger)
            try await connection.query("""
                delete from procedures p where p.id = any(\(Array(procedures)))
                  and not exists (select 1 from messages m where m.procedure_id = p.id)
                """, logger: logger)
            return ids.count
        }
    }

    /// Deletes up to `limit` inbound SMS received longer ago than the personal-data period; returns how many.
    package func forgetInbound(limit: Int) async throws -> Int {
        let rows = try await client.query("""
            delete from inbound_messages where id in (
                select id from inbound_messages
                where received_at < now() - make_interval(secs => \(policy.personalData.inSeconds))
                limit \(limit) for update skip locked
            ) returning 1
            """, logger: logger)
        return try await rows.decode(Int.self).collect().count
    }

    /// Deletes up to `limit` idempotency keys older than the personal-data period; returns how many.
    package func expireIdempotencyKeys(limit: Int) async throws -> Int {
        let rows = try await client.query("""
            with old as (
                select tenant_id, key from idempotency_keys
                where created_at < now() - make_interval(secs => \(policy.personalData.inSeconds))
                limit \(limit) for update skip locked
            )
            delete from idempotency_keys i using old where i.tenant_id = old.tenant_id and i.key = old.key
            returning 1
            """, logger: logger)
        return try await rows.decode(Int.self).collect().count
    }
}
