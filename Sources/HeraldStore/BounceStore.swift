package import Foundation
import HeraldCore
package import Logging
import PostgresNIO

/// Records bounces, delays and complaints (table `inbound_reports` remembers each one applied, so the same report
/// handed over twice counts once).
package struct BounceStore: Sendable {
    package enum Outcome: String, Sendable {
        /// The message moved (or, for a delay, gained an event) and its address was suppressed where the kind says.
        case applied
        /// Already recorded, or the message is past the point where the report changes it.
        case unchanged
        /// The report's recipient is not the message's.
        case recipientMismatch = "recipient_mismatch"
        /// No email with that id (erased by retention, or never one).
        case unknownMessage = "unknown_message"
        /// It came to a return-path domain of another tenant than the message's.
        case foreignDomain = "foreign_domain"
    }

    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    /// Applies reports (one per message) in one statement; returns each message's outcome. A bounce or complaint
    /// moves its message from `sending` (the MTA can bounce before herald-email has recorded `sent`) or `sent`; a
    /// hard bounce's suppression lasts `hardBounceSuppression` (nil: for good) and never replaces a complaint, an
    /// unsubscribe or an operator's entry. Two messages to one address in a batch make one suppression, a
    /// complaint's if either is one.
    package func apply(_ reports: [EmailReport], hardBounceSuppression: Duration?) async throws -> [UUID: Outcome] {
        guard !reports.isEmpty else { return [:] }
        let ids = reports.map(\.messageID)
        let kinds = reports.map(\.kind.rawValue)
        // One text per report: its recipients joined by U+0001, which no address holds.
        let recipients = reports.map { $0.recipients.joined(separator: "\u{1}") }
        let details = reports.map(\.detail)
        let domains = NullableArray(reports.map(\.returnPathDomain))
        let expirySeconds = hardBounceSuppression?.inSeconds
        let rows = try await client.query("""
            with r as (
                select * from unnest(\(ids)::uuid[], \(kinds)::text[], \(recipients)::text[], \(details)::text[], \(domains)::text[])
                    as r(id, kind, recipients, detail, domain)
            ), found as (
                select r.*, m.tenant_id, lower(m.to_address) as address, m.state
                from r join messages m on m.id = r.id and m.channel = 'email'
            ), owned as (
                select * from found f where f.domain is null or exists (
                    select 1 from tenant_domains d where d.tenant_id = f.tenant_id and d.return_path_domain = f.domain)
            ), matching as (
                select * from owned where recipients = '' or address = any(string_to_array(recipients, chr(1)))
            ), seen as (
                insert into inbound_reports (message_id, kind, digest)
                select id, kind, md5(detail) from matching
                on conflict do nothing
                returning message_id
            ), moved as (
                update messages u set state = case mt.kind when 'bounce' then 'bounced' else 'complained' end,
                    last_error = mt.detail, updated_at = now()
                from matching mt
                where u.id = mt.id and mt.kind in ('bounce', 'complaint') and u.id in (select message_id from seen)
                  and u.state in ('sending', 'sent')
                returning u.id, mt.state as from_state, u.state as to_state, mt.tenant_id, mt.address, mt.kind, mt.detail
            ), events as (
                insert into message_events (message_id, from_state, to_state, detail)
                select id, from_state, to_state, detail from moved
                union all
                select id, state, state, detail from matching
                where kind = 'delay' and id in (select message_id from seen) and state in ('sending', 'sent')
                returning message_id
            ), suppressed as (
                insert into suppressions (tenant_id, channel, address, category, reason, message_id, expires_at)
                select distinct on (tenant_id, address) tenant_id, 'email', address, '',
                       case kind when 'bounce' then 'hard_bounce' else 'complaint' end, id,
                       case when kind = 'bounce' and \(expirySeconds)::float8 is not null
                            then now() + make_interval(secs => \(expirySeconds)::float8) end
                from moved
                order by tenant_id, address, kind = 'complaint' desc
                on conflict (tenant_id, channel, address, category) do update
                    set reason = excluded.reason, message_id = excluded.message_id, expires_at = excluded.expires_at
                    where suppressions.reason = 'hard_bounce'
            )
            select r.id, f.id is not null, o.id is not null, mt.id is not null,
                   exists (select 1 from events e where e.message_id = r.id)
            from r left join found f on f.id = r.id left join owned o on o.id = r.id left join matching mt on mt.id = r.id
            """, logger: logger)
        var outcomes: [UUID: Outcome] = [:]
        for try await (id, found, owned, matching, changed) in rows.decode((UUID, Bool, Bool, Bool, Bool).self) {
            outcomes[id] = !found ? .unknownMessage : !owned ? .foreignDomain : !matching ? .recipientMismatch
                : changed ? .applied : .unchanged
        }
        return outcomes
    }
}
