import Foundation
package import HeraldCore
package import Logging
import PostgresNIO

/// The ledger of jobs in flight (table `job_ledger`): every batch of messages made ready for a stage gets a row in the
/// transaction that readies them; the row stays until the stage's consumer is done with all its messages. So every
/// message in `queued`, `rendered` or `sending` has a row that owns it and a deadline (`due_at`), and the sweeper
/// finds what a lost job or a dead process left behind without scanning `messages`.
package struct JobLedger: Sendable {
    let client: PostgresClient
    let policy: RecoveryPolicy
    let logger: Logger

    package init(database: Database, policy: RecoveryPolicy, logger: Logger) {
        self.client = database.client
        self.policy = policy
        self.logger = logger
    }

    /// Records, inside the caller's transaction, that jobs for these messages are to be published to `stage`.
    static func record(
        _ ids: [UUID], stage: Stage, on connection: PostgresConnection, logger: Logger
    ) async throws -> PendingPublication? {
        guard !ids.isEmpty else { return nil }
        let rows = try await connection.query(
            "insert into job_ledger (message_ids, stage) values (\(ids), \(stage.rawValue)) returning id", logger: logger)
        for try await row in rows.decode(Int64.self) {
            return PendingPublication(ledgerRow: row, stage: stage, messageIDs: ids)
        }
        throw StoreError(.unavailable, "the job ledger insert returned no row")
    }

    /// Records that the broker confirmed the publication's jobs: the sweeper leaves them to their consumer until the
    /// job timeout.
    package func confirmed(_ publication: PendingPublication) async throws {
        try await client.query("""
            update job_ledger set confirmed = true, due_at = now() + make_interval(secs => \(policy.jobTimeout.inSeconds))
            where id = \(publication.ledgerRow)
            """, logger: logger)
    }

    /// Called by a consumer once it settled jobs: deletes the rows none of whose messages still wait for `stage`.
    /// Rows it keeps (a message retried later, or left in `sending` by a process that died) are looked at again by
    /// the sweeper no later than the sending timeout.
    package func settle(_ rows: [Int64], stage: Stage) async throws {
        guard !rows.isEmpty else { return }
        let waiting = stage.waitingStates.map(\.rawValue)
        try await client.query("""
            with done as (
                delete from job_ledger o where o.id = any(\(rows)) and not exists (
                    select 1 from messages m where m.id = any(o.message_ids) and m.state = any(\(waiting)))
                returning o.id
            )
            update job_ledger set due_at = least(due_at, now() + make_interval(secs => \(policy.sendingTimeout.inSeconds)))
            where id = any(\(rows)) and id not in (select id from done)
            """, logger: logger)
    }

    /// What one sweep did.
    package struct SweepOutcome: Sendable {
        /// New jobs to publish (their rows are recorded, unconfirmed): publish each, then `confirmed` it.
        package var publications: [PendingPublication] = []
        /// Messages whose job was never confirmed or went missing, published again.
        package var republished = 0
        /// Messages found in `sending` past the timeout and sent again (possible duplicates).
        package var resent = 0
        /// Messages found in `sending` past the timeout and failed.
        package var failedStale = 0
        /// Ledger rows looked at.
        package var rows = 0
    }

    /// Takes up to `limit` rows past their deadline (replicas skip each other's) and resolves their messages in one
    /// transaction: those past the stage are dropped, those still waiting with a job lost or never confirmed get a
    /// new job, those in `sending` past the sending timeout are resolved by the policy, and the rest keep a row with
    /// the deadline of the earliest. The broker is not called here: the caller publishes what comes back.
    package func sweep(limit: Int) async throws -> SweepOutcome {
        try await client.withTransaction(logger: logger) { connection in
            let taken = try await connection.query("""
                select id, stage, confirmed, message_ids from job_ledger
                where due_at < now() and (confirmed or created_at < now() - make_interval(secs => \(policy.publishGrace.inSeconds)))
                order by due_at limit \(limit) for update skip locked
                """, logger: logger)
            var rows: [(id: Int64, stage: Stage, confirmed: Bool, ids: [UUID])] = []
            for try await (id, stage, confirmed, ids) in taken.decode((Int64, String, Bool, [UUID]).self) {
                rows.append((id, Stage(rawValue: stage) ?? .render, confirmed, ids))
            }
            var outcome = SweepOutcome()
            outcome.rows = rows.count
            guard !rows.isEmpty else { return outcome }

            let states = try await Self.waitingMessages(rows.flatMap(\.ids), policy: policy, on: connection, logger: logger)
            var republish: [Stage: [UUID]] = [:]
            var keep: [Stage: (ids: [UUID], due: Double)] = [:]
            var stale: [(id: UUID, attempts: Int)] = []
            for row in rows {
                for id in row.ids {
                    guard let message = states[id], row.stage.waitingStates.contains(message.state) else { continue }
                    if message.state == .sending {
                        if message.sendingStale {
                            stale.append((id, message.attempts))
                        } else {
                            keep[row.stage, default: ([], .infinity)].ids.append(id)
                            keep[row.stage]!.due = min(keep[row.stage]!.due, message.sendingDeadline)
                        }
                    } else if !row.confirmed || message.jobStale {
                        republish[row.stage, default: []].append(id)
                    } else {
                        keep[row.stage, default: ([], .infinity)].ids.append(id)
                        keep[row.stage]!.due = min(keep[row.stage]!.due, message.jobDeadline)
                    }
                }
            }
            try await connection.query("delete from job_ledger where id = any(\(rows.map(\.id)))", logger: logger)

            let resend = policy.staleSending == .resend ? stale.filter { $0.attempts < policy.maxAttempts }.map(\.id) : []
            let fail = stale.map(\.id).filter { !resend.contains($0) }
            let seconds = Int(policy.sendingTimeout.inSeconds)
            let resent = try await PipelineStore.transition(
                resend, from: .sending, to: .rendered,
                detail: "no outcome after \(seconds) s in sending; sent again, possibly a duplicate", on: connection, logger: logger)
            outcome.failedStale = try await PipelineStore.transition(
                fail, from: .sending, to: .failed,
                detail: "no outcome after \(seconds) s in sending; the provider may have it", on: connection, logger: logger).count
            outcome.resent = resent.count
            for id in resent {
                guard let channel = states[id]?.channel else { continue }
                republish[.send(channel), default: []].append(id)
            }
            outcome.republished = republish.values.reduce(0) { $0 + $1.count } - resent.count

            for (stage, ids) in republish.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                if let publication = try await Self.record(ids, stage: stage, on: connection, logger: logger) {
                    outcome.publications.append(publication)
                }
            }
            for (stage, kept) in keep {
                try await connection.query("""
                    insert into job_ledger (message_ids, stage, confirmed, due_at)
                    values (\(kept.ids), \(stage.rawValue), true, to_timestamp(\(kept.due)))
                    """, logger: logger)
            }
            return outcome
        }
    }

    /// The state of a message the sweeper looks at, with its deadlines as the database's clock sees them.
    struct Waiting {
        var state: MessageState
        var channel: MessageChannel
        var attempts: Int
        var jobStale: Bool
        var sendingStale: Bool
        /// Unix seconds.
        var jobDeadline: Double
        var sendingDeadline: Double
    }

    static func waitingMessages(
        _ ids: [UUID], policy: RecoveryPolicy, on connection: PostgresConnection, logger: Logger
    ) async throws -> [UUID: Waiting] {
        let job = policy.jobTimeout.inSeconds
        let sending = policy.sendingTimeout.inSeconds
        let rows = try await connection.query("""
            select id, state, channel, attempts,
                   updated_at < now() - make_interval(secs => \(job)), updated_at < now() - make_interval(secs => \(sending)),
                   extract(epoch from updated_at)::float8 + \(job), extract(epoch from updated_at)::float8 + \(sending)
            from messages where id = any(\(ids)) and state in ('queued', 'rendered', 'sending')
            """, logger: logger)
        var found: [UUID: Waiting] = [:]
        for try await (id, state, channel, attempts, jobStale, sendingStale, jobDeadline, sendingDeadline) in rows.decode(
            (UUID, String, String, Int, Bool, Bool, Double, Double).self)
        {
            guard let state = MessageState(rawValue: state), let channel = MessageChannel(rawValue: channel) else { continue }
            found[id] = Waiting(
                state: state, channel: channel, attempts: attempts, jobStale: jobStale, sendingStale: sendingStale,
                jobDeadline: jobDeadline, sendingDeadline: sendingDeadline)
        }
        return found
    }
}
