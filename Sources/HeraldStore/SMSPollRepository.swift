package import Foundation
package import HeraldCore
package import Logging
import PostgresNIO

/// The delivery-status poller's working set (`sms_polls`). Claiming a batch pushes each row's `next_poll_at` a lease
/// ahead under `FOR UPDATE SKIP LOCKED`, so replicas never poll one message at once, and a poller that dies mid-batch
/// only delays its rows by the lease. `messages` and its events change only when a delivery state is final.
package struct SMSPollRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    package func claimDue(limit: Int, lease: Duration) async throws -> [DuePoll] {
        let rows = try await client.query("""
            update sms_polls p set next_poll_at = now() + make_interval(secs => \(lease.inSeconds)), polls = p.polls + 1
            where p.message_id in (
                select message_id from sms_polls where next_poll_at <= now()
                order by next_poll_at limit \(limit) for update skip locked
            )
            returning p.message_id, p.request_id, p.polls, p.sent_at, p.valid_until
            """, logger: logger)
        var due: [DuePoll] = []
        for try await (id, requestID, polls, sentAt, validUntil) in rows.decode((UUID, String, Int, Date, Date).self) {
            due.append(DuePoll(messageID: id, requestID: requestID, polls: polls, sentAt: sentAt, validUntil: validUntil))
        }
        return due
    }

    /// Sets when each message is polled next. `uncount` takes back the poll just claimed (the provider asked us
    /// to slow down, so it told us nothing).
    package func reschedule(_ next: [(id: UUID, after: Duration)], uncount: Bool = false) async throws {
        guard !next.isEmpty else { return }
        let ids = next.map(\.id)
        let seconds = next.map(\.after.inSeconds)
        try await client.query("""
            update sms_polls set
                next_poll_at = now() + make_interval(secs => (\(seconds)::float8[])[array_position(\(ids)::uuid[], message_id)]),
                polls = polls - case when \(uncount) then 1 else 0 end
            where message_id = any(\(ids))
            """, logger: logger)
    }

    /// Records final delivery states (`delivered` or `undeliverable`, with the provider's reason) and takes the
    /// messages off the schedule, in one statement. A message no longer `sent` (cancelled, replayed) just leaves it.
    package func finish(_ results: [(id: UUID, state: MessageState, detail: String?)]) async throws {
        guard !results.isEmpty else { return }
        let ids = results.map(\.id)
        let states = results.map(\.state.rawValue)
        let details = NullableArray(results.map(\.detail))
        try await client.query("""
            with moved as (
                update messages set state = (\(states)::text[])[array_position(\(ids)::uuid[], id)], updated_at = now(),
                    last_error = case
                        when (\(states)::text[])[array_position(\(ids)::uuid[], id)] = 'undeliverable'
                        then (\(details)::text[])[array_position(\(ids)::uuid[], id)]
                        else last_error end
                where id = any(\(ids)) and state = 'sent'
                returning id, state, (\(details)::text[])[array_position(\(ids)::uuid[], id)] as detail
            ), unscheduled as (
                delete from sms_polls where message_id = any(\(ids))
            )
            insert into message_events (message_id, from_state, to_state, detail)
            select id, 'sent', state, detail from moved
            """, logger: logger)
    }

    /// Messages waiting for a poll, and how many are due now.
    package func backlog() async throws -> (waiting: Int, due: Int) {
        let rows = try await client.query(
            "select count(*), count(*) filter (where next_poll_at <= now()) from sms_polls", logger: logger)
        for try await (waiting, due) in rows.decode((Int, Int).self) { return (waiting, due) }
        return (0, 0)
    }
}
