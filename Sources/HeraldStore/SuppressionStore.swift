package import Foundation
package import HeraldCore
package import Logging
import PostgresNIO

/// The tenants' suppression lists (table `suppressions`). A message is checked against its tenant's list when it is
/// claimed for sending (`PipelineStore.claimForSending`).
package struct SuppressionStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    static let columns = """
        channel, address, reason, category, message_id, note, created_at, expires_at, id,
        (extract(epoch from created_at) * 1000000)::int8
        """

    /// A page of the tenant's suppressions, newest first, and where the next page starts (nil on the last).
    package func list(_ filter: SuppressionFilter, tenantID: UUID) async throws -> (entries: [Suppression], next: ListPosition?) {
        let limit = max(1, min(filter.limit, 1000))
        let rows = try await client.query("""
            select \(unescaped: Self.columns) from suppressions
            where tenant_id = \(tenantID)
              and (\(filter.channel?.rawValue)::text is null or channel = \(filter.channel?.rawValue))
              and (\(filter.address)::text is null or address = \(filter.address))
              and (\(filter.reason?.rawValue)::text is null or reason = \(filter.reason?.rawValue))
              and (\(filter.after?.id)::uuid is null or (created_at, id) <
                   (timestamptz 'epoch' + \(filter.after?.createdMicros)::int8 * interval '1 microsecond', \(filter.after?.id)))
            order by created_at desc, id desc
            limit \(limit + 1)
            """, logger: logger)
        return try await Self.decode(rows).page(of: limit)
    }

    /// Adds (or replaces) the tenant's entry for this address and category.
    @discardableResult
    package func suppress(
        tenantID: UUID, channel: MessageChannel, address: String, reason: Suppression.Reason, category: String? = nil,
        messageID: UUID? = nil, note: String? = nil, expiresAt: Date? = nil
    ) async throws -> Suppression {
        let rows = try await client.query("""
            insert into suppressions (tenant_id, channel, address, category, reason, message_id, note, expires_at)
            values (\(tenantID), \(channel.rawValue), \(address), \(category ?? ""), \(reason.rawValue), \(messageID),
                    \(note), \(expiresAt))
            on conflict (tenant_id, channel, address, category) do update
                set reason = excluded.reason, message_id = excluded.message_id, note = excluded.note,
                    expires_at = excluded.expires_at
            returning \(unescaped: Self.columns)
            """, logger: logger)
        guard let entry = try await Self.decode(rows).first else {
            throw StoreError(.invalid, "the suppression was not stored")
        }
        return entry
    }

    /// Removes the tenant's entries for this address (every category); returns how many.
    package func remove(tenantID: UUID, channel: MessageChannel, address: String) async throws -> Int {
        let rows = try await client.query("""
            delete from suppressions where tenant_id = \(tenantID) and channel = \(channel.rawValue) and address = \(address)
            returning 1
            """, logger: logger)
        return try await rows.decode(Int.self).collect().count
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [Suppression] {
        var entries: [Suppression] = []
        for try await (channel, address, reason, category, messageID, note, createdAt, expiresAt, id, micros) in rows.decode(
            (String, String, String, String, UUID?, String?, Date, Date?, UUID, Int64).self)
        {
            entries.append(Suppression(
                channel: MessageChannel(rawValue: channel) ?? .email, address: address,
                reason: Suppression.Reason(rawValue: reason) ?? .manual, category: category.isEmpty ? nil : category,
                messageID: messageID, note: note, createdAt: createdAt, expiresAt: expiresAt,
                position: ListPosition(createdMicros: micros, id: id)))
        }
        return entries
    }
}

extension SuppressionStore {
    /// Suppresses an email's address for its tenant and its category (none: all the tenant's unsubscribable mail),
    /// as its recipient asked by one-click or by mail; idempotent. False when no such email is (still) stored.
    package func unsubscribe(messageID: UUID) async throws -> Bool {
        let rows = try await client.query("""
            with m as (
                select m.id, m.tenant_id, lower(m.to_address) as address, coalesce(m.category, t.category, '') as category
                from messages m join templates t on t.id = m.template_id
                where m.id = \(messageID) and m.channel = 'email' and m.erased_at is null
            ), added as (
                insert into suppressions (tenant_id, channel, address, category, reason, message_id)
                select tenant_id, 'email', address, category, 'unsubscribe', id from m
                on conflict (tenant_id, channel, address, category) do nothing
                returning 1
            )
            select count(*) from m
            """, logger: logger)
        return try await rows.decode(Int.self).collect().first == 1
    }
}

extension SuppressionStore {
    /// The tenant's emails sent, bounced and complained about, and suppressions added, over the last `period`.
    package func deliverability(tenantID: UUID, period: Duration) async throws -> Deliverability {
        let seconds = period.inSeconds
        let rows = try await client.query("""
            select 'event', e.to_state, count(*)
            from message_events e join messages m on m.id = e.message_id
            where m.tenant_id = \(tenantID) and m.channel = 'email' and e.at > now() - make_interval(secs => \(seconds))
              and e.to_state in ('sent', 'bounced', 'complained') and e.from_state is distinct from e.to_state
            group by e.to_state
            union all
            select 'suppression', reason, count(*) from suppressions
            where tenant_id = \(tenantID) and channel = 'email' and created_at > now() - make_interval(secs => \(seconds))
            group by reason
            """, logger: logger)
        var summary = Deliverability()
        for try await (kind, name, count) in rows.decode((String, String, Int).self) {
            switch (kind, name) {
            case ("event", "sent"): summary.sent = count
            case ("event", "bounced"): summary.hardBounces = count
            case ("event", "complained"): summary.complaints = count
            default:
                if let reason = Suppression.Reason(rawValue: name) { summary.suppressions[reason] = count }
            }
        }
        return summary
    }
}
