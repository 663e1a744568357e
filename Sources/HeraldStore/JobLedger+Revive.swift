package import Foundation
package import HeraldCore
import PostgresNIO

extension JobLedger {
    /// Brings `dead` messages back to where `stage` starts and records their new job in one transaction, so a
    /// replay that dies before its job is confirmed is finished by the sweeper. Messages no longer `dead`, or whose
    /// personal data retention erased, are left as they are. Publish the returned publication with `JobPublisher`.
    package func revive(_ ids: [UUID], stage: Stage, detail: String) async throws -> PendingPublication? {
        guard !ids.isEmpty else { return nil }
        return try await client.withTransaction(logger: logger) { connection in
            let kept = try await connection.query(
                "select id from messages where id = any(\(ids)) and erased_at is null", logger: logger)
            let ids = try await kept.decode(UUID.self).collect()
            let revived = try await PipelineStore.transition(
                ids, from: .dead, to: stage.entryState, detail: detail, on: connection, logger: logger)
            return try await Self.record(revived, stage: stage, on: connection, logger: logger)
        }
    }
}
