package import Foundation
package import Logging
import PostgresNIO
import HeraldCore

/// Where requests from `herald.intake` over their tenant's rate limit wait (table `parked_requests`): in the
/// database, holding no consumer and no prefetched delivery, so other tenants' requests flow past them. Each tenant's
/// are released in the order they came, by one relay at a time (an advisory lock per tenant).
package struct ParkedRequestStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    /// Parks a request; a request with the same idempotency key already parked is not parked twice.
    package func park(tenantID: UUID, apiKeyID: UUID, idempotencyKey: String, body: [UInt8]) async throws {
        try await client.query("""
            insert into parked_requests (tenant_id, api_key_id, idempotency_key, body)
            values (\(tenantID), \(apiKeyID), \(idempotencyKey), \(ByteBuffer(bytes: body)))
            on conflict (tenant_id, idempotency_key) do nothing
            """, logger: logger)
    }

    /// Whether the tenant has requests waiting: a new one then waits behind them.
    package func hasParked(tenantID: UUID) async throws -> Bool {
        let rows = try await client.query(
            "select exists (select 1 from parked_requests where tenant_id = \(tenantID))", logger: logger)
        for try await exists in rows.decode(Bool.self) { return exists }
        return false
    }

    /// Tenants whose oldest waiting request may be tried now.
    package func dueTenants() async throws -> [UUID] {
        let rows = try await client.query("""
            select tenant_id from (
                select distinct on (tenant_id) tenant_id, not_before from parked_requests order by tenant_id, id
            ) heads where not_before <= now()
            """, logger: logger)
        return try await rows.decode(UUID.self).collect()
    }

    package enum Disposition: Sendable {
        /// Stored or refused: it leaves the table.
        case done
        /// Still over the limit: it and those behind it wait this long.
        case wait(Duration)
    }

    /// Takes up to `limit` of the tenant's requests in order and lets `handle` decide each, stopping at the first that
    /// must wait; returns how many were done. Another relay already releasing this tenant makes it return 0. A crash
    /// part-way leaves the rows of requests already stored, and their idempotency keys find them stored next time.
    package func release(
        tenantID: UUID, limit: Int, handle: @Sendable (ParkedRequest) async throws -> Disposition
    ) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            let locked = try await connection.query(
                "select pg_try_advisory_xact_lock(hashtext('herald.parked_requests'), hashtext(\(tenantID.uuidString)))",
                logger: logger)
            for try await gotIt in locked.decode(Bool.self) where !gotIt { return 0 }
            let rows = try await connection.query("""
                select id, api_key_id, idempotency_key, body from parked_requests
                where tenant_id = \(tenantID) order by id limit \(limit)
                """, logger: logger)
            var requests: [ParkedRequest] = []
            for try await (id, keyID, key, body) in rows.decode((Int64, UUID, String, ByteBuffer).self) {
                requests.append(ParkedRequest(
                    id: id, tenantID: tenantID, apiKeyID: keyID, idempotencyKey: key, body: Array(buffer: body)))
            }
            var done: [Int64] = []
            for request in requests {
                switch try await handle(request) {
                case .done:
                    done.append(request.id)
                case .wait(let wait):
                    try await connection.query("""
                        update parked_requests set not_before = now() + make_interval(secs => \(wait.inSeconds))
                        where id = \(request.id)
                        """, logger: logger)
                    try await delete(done, on: connection)
                    return done.count
                }
            }
            try await delete(done, on: connection)
            return done.count
        }
    }

    private func delete(_ ids: [Int64], on connection: PostgresConnection) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query("delete from parked_requests where id = any(\(ids))", logger: logger)
    }

    /// How many requests wait, all tenants together.
    package func count() async throws -> Int {
        let rows = try await client.query("select count(*)::int8 from parked_requests", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
