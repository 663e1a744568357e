import Foundation
import HeraldCore
import Logging
import PostgresNIO

/// What a pushed delivery report did.
public enum DeliveryReportOutcome: String, Sendable, CaseIterable {
    /// Moved the message to its final state (or recorded its one `BUFFERED`).
    case applied
    /// Changed nothing: a duplicate, a late report for a message already final, one for an earlier attempt
    /// (another `requestId`), or a state that records nothing (`ACCEPTED`).
    case unchanged
    /// The message is not `sent` yet (the report outran the sender's own bookkeeping): ask the provider to retry.
    case early
    /// No SMS has this id (never, or forgotten by retention).
    case unknown
}

/// What a pushed report says about a sent SMS.
public enum ReportedDelivery: Sendable {
    /// `delivered` or `undeliverable`, with the provider's reason.
    case final(MessageState, detail: String?)
    /// On its way (`BUFFERED`): one event at most, and the poller leaves the message alone a while longer.
    case buffered(detail: String)
    /// Nothing to record (`ACCEPTED`, a state we do not know).
    case pending
}

/// Applies delivery reports that Tyntec pushes: forward only (a report acts only on a `sent` message whose poll row
/// names the same `requestId`), idempotent (a final state is written once, under the message's row lock, and
/// `buffered_at` lets one `BUFFERED` through), each in one statement, so what the caller answers 2xx is committed.
/// A `BUFFERED` takes the message's row lock too, so that it and a final state racing it are recorded in the order
/// they commit, and one that loses the race to a final state records nothing.
public struct DeliveryReportStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    public func apply(
        _ report: ReportedDelivery, messageID id: UUID, requestID: String, grace: Duration
    ) async throws -> DeliveryReportOutcome {
        let rows: PostgresRowSequence
        switch report {
        case .final(let state, let detail):
            let lastError = state == .undeliverable ? detail : nil
            rows = try await client.query("""
                with target as (
                    select state from messages where id = \(id) and channel = 'sms'
                ), moved as (
                    update messages set state = \(state.rawValue), updated_at = now(),
                        last_error = coalesce(\(lastError), last_error)
                    where id = \(id) and state = 'sent'
                        and exists (select 1 from sms_polls where message_id = \(id) and request_id = \(requestID))
                    returning id
                ), unscheduled as (
                    delete from sms_polls where message_id in (select id from moved)
                ), recorded as (
                    insert into message_events (message_id, from_state, to_state, detail)
                    select id, 'sent', \(state.rawValue), \(detail) from moved
                )
                select (select count(*) from moved)::int8, (select state from target)
                """, logger: logger)
        case .buffered(let detail):
            rows = try await client.query("""
                with target as (
                    select state from messages where id = \(id) and channel = 'sms'
                ), locked as (
                    select id from messages where id = \(id) and state = 'sent' for update
                ), marked as (
                    update sms_polls set buffered_at = now(),
                        next_poll_at = greatest(next_poll_at, now() + make_interval(secs => \(grace.inSeconds)))
                    where message_id in (select id from locked) and request_id = \(requestID) and buffered_at is null
                    returning message_id
                ), recorded as (
                    insert into message_events (message_id, from_state, to_state, detail)
                    select message_id, 'sent', 'sent', \(detail) from marked
                )
                select (select count(*) from marked)::int8, (select state from target)
                """, logger: logger)
        case .pending:
            rows = try await client.query(
                "select 0::int8, (select state from messages where id = \(id) and channel = 'sms')", logger: logger)
        }
        for try await (changed, state) in rows.decode((Int, String?).self) {
            if changed > 0 { return .applied }
            guard let state, let current = MessageState(rawValue: state) else { return .unknown }
            return current == .sent || current.isFinal(for: .sms) ? .unchanged : .early
        }
        return .unknown
    }
}
