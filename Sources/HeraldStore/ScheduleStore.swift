import Foundation
import HeraldCore
package import Logging
import PostgresNIO

/// Scheduled messages (table `schedule`), released by the relay when due.
package struct ScheduleStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    /// Moves up to `limit` due scheduled messages to `queued` (those cancelled meanwhile stay as they are). Returns
    /// how many entries of the schedule came due, and the publication of the messages that moved.
    package func releaseDue(limit: Int) async throws -> (due: Int, publication: PendingPublication?) {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                with due as (
                    delete from schedule where (send_at, message_id) in (
                        select send_at, message_id from schedule where send_at <= now()
                        order by send_at limit \(limit) for update skip locked
                    )
                    returning message_id
                ), moved as (
                    update messages m set state = 'queued', updated_at = now()
                    from due where m.id = due.message_id and m.state = 'scheduled' returning m.id
                ), events as (
                    insert into message_events (message_id, from_state, to_state) select id, 'scheduled', 'queued' from moved
                )
                select (select count(*) from due)::int8, coalesce((select array_agg(id) from moved), '{}')
                """, logger: logger)
            for try await (due, moved) in rows.decode((Int, [UUID]).self) {
                return (due, try await JobLedger.record(moved, stage: .render, on: connection, logger: logger))
            }
            return (0, nil)
        }
    }
}
