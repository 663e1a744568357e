import Foundation
import HeraldCore
import Logging
import PostgresNIO

/// What herald-inbound learned about one email, ready to record.
public struct EmailReport: Sendable {
    public enum Kind: String, Sendable {
        /// A permanent failure: the message becomes `bounced`, its address `hard_bounce`-suppressed.
        case bounce
        /// A delay or temporary failure: an event of the message, which stays where it is.
        case delay
        /// A spam complaint: the message becomes `complained`, its address `complaint`-suppressed.
        case complaint
    }

    public var messageID: UUID
    public var kind: Kind
    /// The recipients the report names (lower case); the message's own must be one of them. Empty: the report names
    /// none (feedback reports often redact it), and its bounce address alone decides.
    public var recipients: [String]
    /// The event's detail and, for a bounce or complaint, the message's `last_error`.
    public var detail: String
    /// The tenant's return-path domain the report came to; nil: the fleet's bounce domain.
    public var returnPathDomain: String?

    public init(messageID: UUID, kind: Kind, recipients: [String], detail: String) {
        self.messageID = messageID
        self.kind = kind
        self.recipients = recipients
        self.detail = detail
    }
}

/// Records bounces, delays and complaints (table `inbound_reports` remembers each one applied, so the same report
/// handed over twice counts once).
public struct BounceStore: Sendable {
    public enum Outcome: String, Sendable {
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

    public init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    /// Applies a report in one statement. A bounce or complaint moves the message from `sending` (the MTA can bounce
    /// before herald-email has recorded `sent`) or `sent`; a hard bounce's suppression lasts `hardBounceSuppression`
    /// (nil: for good) and never replaces a complaint, an unsubscribe or an operator's entry.
    public func apply(_ report: EmailReport, hardBounceSuppression: Duration?) async throws -> Outcome {
        let target: String? = switch report.kind {
        case .bounce: MessageState.bounced.rawValue
        case .complaint: MessageState.complained.rawValue
        case .delay: nil
        }
        let reason: String? = switch report.kind {
        case .bounce: "hard_bounce"
        case .complaint: "complaint"
        case .delay: nil
        }
        let expirySeconds = report.kind == .bounce ? hardBounceSuppression?.inSeconds : nil
        let rows = try await client.query("""
            with found as (
                select id, tenant_id, lower(to_address) as address, state from messages
                where id = \(report.messageID) and channel = 'email'
            ), m as (
                select * from found where \(report.returnPathDomain)::text is null or exists (
                    select 1 from tenant_domains d where d.tenant_id = found.tenant_id
                      and d.return_path_domain = \(report.returnPathDomain))
            ), matching as (
                select * from m where cardinality(\(report.recipients)::text[]) = 0 or address = any(\(report.recipients)::text[])
            ), seen as (
                insert into inbound_reports (message_id, kind, digest)
                select id, \(report.kind.rawValue), md5(\(report.detail)) from matching
                on conflict do nothing
                returning message_id
            ), moved as (
                update messages u set state = \(target), last_error = \(report.detail), updated_at = now()
                from matching
                where \(target)::text is not null and u.id = matching.id and u.id in (select message_id from seen)
                  and u.state in ('sending', 'sent')
                returning u.id, matching.state as from_state, matching.tenant_id, matching.address
            ), events as (
                insert into message_events (message_id, from_state, to_state, detail)
                select id, from_state, \(target), \(report.detail) from moved
                union all
                select id, state, state, \(report.detail) from matching
                where \(target)::text is null and id in (select message_id from seen) and state in ('sending', 'sent')
                returning 1
            ), suppressed as (
                insert into suppressions (tenant_id, channel, address, category, reason, message_id, expires_at)
                select tenant_id, 'email', address, '', \(reason), id,
                       case when \(expirySeconds)::float8 is null then null
                            else now() + make_interval(secs => \(expirySeconds)::float8) end
                from moved where \(reason)::text is not null
                on conflict (tenant_id, channel, address, category) do update
                    set reason = excluded.reason, message_id = excluded.message_id, expires_at = excluded.expires_at
                    where suppressions.reason = 'hard_bounce'
            )
            select (select count(*) from found), (select count(*) from m), (select count(*) from matching),
                   (select count(*) from events)
            """, logger: logger)
        for try await (found, owned, matching, events) in rows.decode((Int, Int, Int, Int).self) {
            if found == 0 { return .unknownMessage }
            if owned == 0 { return .foreignDomain }
            if matching == 0 { return .recipientMismatch }
            return events > 0 ? .applied : .unchanged
        }
        return .unknownMessage
    }
}
