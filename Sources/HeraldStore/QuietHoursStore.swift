package import Foundation
package import HeraldCore
package import Logging
import PostgresNIO

/// Tenants' quiet hours (`quiet_hours`), one window per channel.
package struct QuietHoursStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    package func get(tenantID: UUID) async throws -> [MessageChannel: QuietHours] {
        let rows = try await client.query(
            "select channel, start_minute, end_minute from quiet_hours where tenant_id = \(tenantID)", logger: logger)
        var hours: [MessageChannel: QuietHours] = [:]
        for try await (channel, start, end) in rows.decode((String, Int, Int).self) {
            if let channel = MessageChannel(rawValue: channel), let window = try? QuietHours(start: start, end: end) {
                hours[channel] = window
            }
        }
        return hours
    }

    /// Replaces the tenant's quiet hours with `hours` (a channel left out has none).
    package func put(_ hours: [MessageChannel: QuietHours], tenantID: UUID) async throws {
        let channels = hours.keys.map(\.rawValue)
        let starts = hours.values.map(\.start)
        let ends = hours.values.map(\.end)
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("delete from quiet_hours where tenant_id = \(tenantID)", logger: logger)
            try await connection.query("""
                insert into quiet_hours (tenant_id, channel, start_minute, end_minute)
                select \(tenantID), c, s, e from unnest(\(channels)::text[], \(starts)::int4[], \(ends)::int4[]) as w(c, s, e)
                """, logger: logger)
        }
    }

    /// Removes the tenant's quiet hours; true if it had any.
    package func delete(tenantID: UUID) async throws -> Bool {
        let rows = try await client.query(
            "delete from quiet_hours where tenant_id = \(tenantID) returning 1", logger: logger)
        return try await rows.decode(Int.self).collect().count > 0
    }
}
