import HeraldCore
package import Logging
import PostgresNIO

/// Depths of the tables that hold messages waiting for a time rather than a job, for the fleet's gauges, and
/// messages per state, for operators.
package struct OperatorCounts: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    package struct Depths: Sendable {
        package var scheduled = 0
        package var deferred = 0
        package var ledgerRows = 0
        package var ledgerOverdue = 0
        package var pendingPolls = 0
        /// Messages a sender claimed (`sending`), and those of them claimed longer ago than the sending timeout.
        package var sending = 0
        package var staleSending = 0
    }

    /// Every message in `sending` has a job ledger row, so they are counted through the ledger (jobs in flight)
    /// rather than by scanning `messages`.
    package func depths(sendingTimeout: Duration) async throws -> Depths {
        let rows = try await client.query("""
            select (select count(*) from schedule)::int8, (select count(*) from deferred_items)::int8,
                   (select count(*) from job_ledger)::int8, (select count(*) from job_ledger where due_at < now())::int8,
                   (select count(*) from sms_polls)::int8,
                   count(*)::int8, (count(*) filter (where m.updated_at < now() - make_interval(secs => \(sendingTimeout.inSeconds))))::int8
            from messages m
            where m.id in (select unnest(message_ids) from job_ledger where stage <> 'render') and m.state = 'sending'
            """, logger: logger)
        var depths = Depths()
        for try await (scheduled, deferred, ledger, overdue, polls, sending, stale) in rows.decode((Int, Int, Int, Int, Int, Int, Int).self) {
            depths = Depths(
                scheduled: scheduled, deferred: deferred, ledgerRows: ledger, ledgerOverdue: overdue, pendingPolls: polls,
                sending: sending, staleSending: stale)
        }
        return depths
    }

    /// Messages per state, for operators.
    package func countsByState() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let rows = try await client.query("select state, count(*)::int8 from messages group by state", logger: logger)
        for try await (state, count) in rows.decode((String, Int).self) { counts[state] = count }
        return counts
    }
}
