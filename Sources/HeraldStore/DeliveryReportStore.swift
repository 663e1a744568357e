package import Foundation
import HeraldCore
package import Logging
import PostgresNIO

/// Applies delivery reports that Tyntec pushes: forward only (a report acts only on a `sent` message whose poll row
/// names the same `requestId`), idempotent (a final state is written once, under the message's row lock, and
/// `buffered_at` lets one `BUFFERED` through), many at once in one statement, so what the caller answers 2xx is
/// committed.
package struct DeliveryReportStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    /// Applies reports, at most one per message, in one statement; returns what each did, by message.
    package func apply(_ reports: [DeliveryReport], grace: Duration) async throws -> [UUID: DeliveryReportOutcome] {
        guard !reports.isEmpty else { return [:] }
        let ids = reports.map(\.messageID)
        let requestIDs = reports.map(\.requestID)
        var kinds: [String] = [], states: [String] = [], details: [String] = [], errors: [String] = []
        for report in reports {
            switch report.delivery {
            case .final(let state, let detail):
                kinds.append("final")
                states.append(state.rawValue)
                details.append(detail ?? "")
                errors.append(state == .undeliverable ? detail ?? "" : "")
            case .buffered(let detail):
                kinds.append("buffered")
                states.append(MessageState.sent.rawValue)
                details.append(detail)
                errors.append("")
            case .pending:
                kinds.append("pending")
                states.append("")
                details.append("")
                errors.append("")
            }
        }
        // A BUFFERED takes its message's row lock (`locked`), as a final state does, so that the two are recorded in
        // the order they commit and one that loses the race to a final state records nothing.
        let rows = try await client.query("""
            with input as (
                select * from unnest(\(ids)::uuid[], \(requestIDs)::text[], \(kinds)::text[], \(states)::text[],
                                     \(details)::text[], \(errors)::text[])
                     as i(id, request_id, kind, state, detail, error)
            ), target as (
                select m.id, m.state from messages m where m.id = any(\(ids)) and m.channel = 'sms'
            ), moved as (
                update messages m set state = i.state, updated_at = now(), last_error = coalesce(nullif(i.error, ''), m.last_error)
                from input i
                where i.kind = 'final' and m.id = i.id and m.state = 'sent'
                    and exists (select 1 from sms_polls p where p.message_id = i.id and p.request_id = i.request_id)
                returning m.id
            ), unscheduled as (
                delete from sms_polls where message_id in (select id from moved)
            ), locked as (
                select m.id from messages m join input i on i.id = m.id
                where i.kind = 'buffered' and m.state = 'sent' for update of m
            ), marked as (
                update sms_polls p set buffered_at = now(),
                    next_poll_at = greatest(p.next_poll_at, now() + make_interval(secs => \(grace.inSeconds)))
                from input i
                where i.kind = 'buffered' and p.message_id = i.id and p.request_id = i.request_id and p.buffered_at is null
                    and p.message_id in (select id from locked)
                returning p.message_id
            ), recorded as (
                insert into message_events (message_id, from_state, to_state, detail)
                select i.id, 'sent', i.state, nullif(i.detail, '') from input i
                where i.id in (select id from moved) or i.id in (select message_id from marked)
            )
            select i.id, (i.id in (select id from moved) or i.id in (select message_id from marked)), t.state
            from input i left join target t on t.id = i.id
            """, logger: logger)
        var outcomes: [UUID: DeliveryReportOutcome] = [:]
        for try await (id, changed, state) in rows.decode((UUID, Bool, String?).self) {
            if changed {
                outcomes[id] = .applied
            } else if let state, let current = MessageState(rawValue: state) {
                outcomes[id] = current == .sent || current.isFinal(for: .sms) ? .unchanged : .early
            } else {
                outcomes[id] = .unknown
            }
        }
        return outcomes
    }
}
