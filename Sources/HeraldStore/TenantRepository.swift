package import Foundation
package import Logging
import PostgresNIO

/// Tenants, their delivery-status callback setting and their shared rate-limit buckets.
package struct TenantRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    package func create(name: String, ratePerMinute: Int?, burst: Int?, defaultLocale: String? = nil) async throws -> Tenant {
        guard Tenant.isValidName(name) else {
            throw StoreError(.invalid, "'\(name)' is not a tenant name (1 to 100 letters, digits, '.', '_', '-')")
        }
        let rate = ratePerMinute ?? Tenant.defaultRatePerMinute
        let burst = burst ?? Tenant.defaultBurst
        guard rate > 0, burst > 0 else { throw StoreError(.invalid, "the rate limit and burst must be positive") }
        do {
            let rows = try await client.query("""
                insert into tenants (id, name, rate_per_minute, burst, default_locale)
                values (\(UUID()), \(name), \(rate), \(burst), \(defaultLocale))
                returning \(unescaped: Self.columns)
                """, logger: logger)
            if let tenant = try await Self.decode(rows).first { return tenant }
        } catch where StoreError.isUniqueViolation(error) {
            throw StoreError(.conflict, "a tenant named '\(name)' exists already")
        }
        throw StoreError(.notFound, "tenant not created")
    }

    /// Changes a tenant's rate limit or burst; nil leaves a value as it is.
    package func setLimits(name: String, ratePerMinute: Int?, burst: Int?) async throws -> Tenant {
        guard (ratePerMinute ?? 1) > 0, (burst ?? 1) > 0 else {
            throw StoreError(.invalid, "the rate limit and burst must be positive")
        }
        let rows = try await client.query("""
            update tenants set rate_per_minute = coalesce(\(ratePerMinute), rate_per_minute), burst = coalesce(\(burst), burst)
            where name = \(name) returning \(unescaped: Self.columns)
            """, logger: logger)
        guard let tenant = try await Self.decode(rows).first else { throw StoreError(.notFound, "no tenant named '\(name)'") }
        return tenant
    }

    package func list() async throws -> [Tenant] {
        try await Self.decode(client.query("select \(unescaped: Self.columns) from tenants order by created_at, name", logger: logger))
    }

    package func get(_ id: UUID) async throws -> Tenant? {
        try await Self.decode(client.query("select \(unescaped: Self.columns) from tenants where id = \(id)", logger: logger)).first
    }

    // MARK: Callbacks

    /// Sets where the tenant's delivery-status callbacks go and the secret that signs them.
    package func setCallback(tenantID: UUID, url: String, secret: String) async throws {
        try await client.query("""
            update tenants set callback_url = \(url), callback_secret = \(secret) where id = \(tenantID)
            """, logger: logger)
    }

    /// Removes the tenant's callback; callbacks not yet delivered are dropped with it. True when there was one.
    package func removeCallback(tenantID: UUID) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                update tenants set callback_url = null, callback_secret = null
                where id = \(tenantID) and callback_url is not null returning id
                """, logger: logger)
            let removed = try await rows.decode(UUID.self).collect().count > 0
            if removed {
                try await connection.query("delete from callbacks where tenant_id = \(tenantID) and dead_at is null", logger: logger)
            }
            return removed
        }
    }

    // MARK: Rate limits

    /// Takes `count` tokens from the tenant's bucket (refilled at `ratePerMinute` per minute up to `burst`), shared by
    /// every API replica through one row. Returns nil when taken, else how long until that many will be there.
    /// A request that takes more than the burst can never pass: the caller refuses it before asking.
    package func take(_ count: Int, tenantID: UUID, ratePerMinute: Int, burst: Int) async throws -> Duration? {
        let perSecond = Double(ratePerMinute) / 60
        let rows = try await client.query("""
            with current as (
                select least(\(Double(burst)), coalesce(
                    (select b.tokens + extract(epoch from clock_timestamp() - b.at) * \(perSecond)
                     from rate_buckets b where b.tenant_id = \(tenantID)), \(Double(burst)))) as tokens
            ), taken as (
                insert into rate_buckets as b (tenant_id, tokens, at)
                select \(tenantID), c.tokens - \(Double(count)), clock_timestamp() from current c where c.tokens >= \(Double(count))
                on conflict (tenant_id) do update set
                    tokens = least(\(Double(burst)), b.tokens + extract(epoch from clock_timestamp() - b.at) * \(perSecond)) - \(Double(count)),
                    at = clock_timestamp()
                where least(\(Double(burst)), b.tokens + extract(epoch from clock_timestamp() - b.at) * \(perSecond)) >= \(Double(count))
                returning tokens
            )
            select (select count(*) from taken)::int8, (select tokens from current)
            """, logger: logger)
        for try await (taken, tokens) in rows.decode((Int, Double).self) {
            if taken > 0 { return nil }
            let seconds = max(0, (Double(count) - tokens) / perSecond)
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        return nil
    }

    static let columns = "id, name, rate_per_minute, burst, default_locale, callback_url, created_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [Tenant] {
        var tenants: [Tenant] = []
        for try await (id, name, rate, burst, locale, url, createdAt) in rows.decode(
            (UUID, String, Int, Int, String?, String?, Date).self)
        {
            tenants.append(Tenant(
                id: id, name: name, ratePerMinute: rate, burst: burst, defaultLocale: locale, callbackURL: url,
                createdAt: createdAt))
        }
        return tenants
    }
}
