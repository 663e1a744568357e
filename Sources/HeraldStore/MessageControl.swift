package import Foundation
package import HeraldCore
package import Logging
import PostgresNIO

/// What a client may do to its messages after accepting them: cancel those not yet handed to a provider, and send
/// a failed or dead one again. Each is one transaction that locks the messages, so a sender claiming a message at
/// the same instant either wins (and the cancel answers `sending`) or finds it cancelled and drops it.
package struct MessageControl: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    /// States a message can be cancelled in: nothing has gone to a provider yet.
    package static let cancellable: [MessageState] = [.scheduled, .deferred, .queued, .rendered]
    /// States a message can be sent again from.
    package static let retryable: [MessageState] = [.failed, .dead]

    package enum Outcome: Sendable, Equatable {
        case done
        /// The message is in a state that does not allow it.
        case refused(MessageState)
        /// Retention erased its personal data: there is nothing left to send.
        case erased
        /// It was sent again at the client's request less than the retry interval ago: not again before this.
        case retriedRecently(until: Date)
        case notFound
    }

    /// The common tail of a cancel, after a CTE `target (id, state)` of locked messages: those in a cancellable
    /// state become `cancelled` (as CTE `moved`), leave the digest queue, and get their event.
    static func cancelling(detail: String) -> String {
        let states = cancellable.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return """
            moved as (
                update messages m set state = 'cancelled', updated_at = now()
                from target t where m.id = t.id and t.state in (\(states))
                returning m.id, t.state as from_state
            ), undeferred as (
                delete from deferred_items d using moved where d.message_id = moved.id
            ), events as (
                insert into message_events (message_id, from_state, to_state, detail)
                select id, from_state, 'cancelled', '\(detail)' from moved
            )
            """
    }

    package func cancel(_ id: UUID, tenantID: UUID) async throws -> Outcome {
        let rows = try await client.query("""
            with target as (
                select id, state from messages where id = \(id) and tenant_id = \(tenantID) for update
            ), \(unescaped: Self.cancelling(detail: "cancelled by the client"))
            select t.state, exists (select 1 from moved) from target t
            """, logger: logger)
        for try await (state, moved) in rows.decode((String, Bool).self) {
            return moved ? .done : .refused(MessageState(rawValue: state) ?? .sending)
        }
        return .notFound
    }

    /// Cancels what can be of a procedure's messages: how many were cancelled and how many were past that; nil when
    /// the tenant has no such procedure.
    package func cancelProcedure(_ id: UUID, tenantID: UUID) async throws -> (cancelled: Int, notCancelled: Int)? {
        let rows = try await client.query("""
            with target as (
                select m.id, m.state from messages m
                where m.procedure_id = \(id) and m.tenant_id = \(tenantID)
                  and exists (select 1 from procedures p where p.id = \(id) and p.tenant_id = \(tenantID))
                for update of m
            ), \(unescaped: Self.cancelling(detail: "procedure cancelled by the client"))
            select (select count(*) from moved)::int8, (select count(*) from target)::int8,
                   exists (select 1 from procedures p where p.id = \(id) and p.tenant_id = \(tenantID))
            """, logger: logger)
        for try await (moved, total, exists) in rows.decode((Int, Int, Bool).self) {
            return exists ? (moved, total - moved) : nil
        }
        return nil
    }

    /// Sends a failed or dead message again: back to `rendered` with a send job when its content is kept, else to
    /// `queued` with a render job, recorded in the job ledger in the same transaction. A message whose personal data
    /// retention erased cannot be sent again, nor one sent again at the client's request less than `interval` ago:
    /// retries that race (or a client that repeats itself while the new attempt fails fast) make one attempt.
    /// Publish the returned publication.
    package func retry(_ id: UUID, tenantID: UUID, interval: Duration) async throws -> (Outcome, PendingPublication?) {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                select m.state, m.channel, m.erased_at is null, exists (select 1 from message_contents c where c.message_id = m.id),
                       m.retried_at + make_interval(secs => \(interval.inSeconds)), now()
                from messages m where m.id = \(id) and m.tenant_id = \(tenantID) for update
                """, logger: logger)
            var found: (MessageState, MessageChannel, Bool, Bool, Date?, Date)?
            for try await (state, channel, kept, rendered, until, now) in rows.decode((String, String, Bool, Bool, Date?, Date).self) {
                found = (MessageState(rawValue: state) ?? .sending, MessageChannel(rawValue: channel) ?? .email, kept, rendered, until, now)
            }
            guard let (state, channel, kept, rendered, until, now) = found else { return (.notFound, nil) }
            guard Self.retryable.contains(state) else { return (.refused(state), nil) }
            guard kept else { return (.erased, nil) }
            if let until, until > now { return (.retriedRecently(until: until), nil) }
            let stage: Stage = rendered ? .send(channel) : .render
            let moved = try await PipelineStore.transition(
                [id], from: state, to: stage.entryState, detail: "sent again at the client's request",
                on: connection, logger: logger)
            try await connection.query("update messages set retried_at = now() where id = \(id)", logger: logger)
            return (.done, try await JobLedger.record(moved, stage: stage, on: connection, logger: logger))
        }
    }
}
