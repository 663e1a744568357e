package import Foundation
package import Logging
import PostgresNIO

/// API keys. Only a SHA-256 hash of each key is stored; the key itself is shown once, when it is created.
package struct APIKeyRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    package struct Key: Sendable {
        package let id: UUID
        package let name: String
        package let createdAt: Date
        package let revokedAt: Date?
        package let tenant: String
        package let isOperator: Bool
    }

    /// Creates a key and returns it with its secret, which is not stored and cannot be read again. An operator key
    /// also acts on the whole fleet (see `Principal.isOperator`).
    package func create(
        name: String, tenant: String = "default", isOperator: Bool = false
    ) async throws -> (key: Key, secret: String) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = "hk_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let id = UUID()
        do {
            let rows = try await client.query("""
                insert into api_keys (id, name, key_hash, tenant_id, operator)
                select \(id), \(name), sha256(convert_to(\(secret), 'UTF8')), t.id, \(isOperator)
                from tenants t where t.name = \(tenant)
                returning created_at
                """, logger: logger)
            for try await createdAt in rows.decode(Date.self) {
                return (Key(id: id, name: name, createdAt: createdAt, revokedAt: nil, tenant: tenant, isOperator: isOperator), secret)
            }
        } catch where StoreError.isUniqueViolation(error) {
            throw StoreError(.conflict, "tenant '\(tenant)' has an active key named '\(name)' already")
        }
        throw StoreError(.notFound, "no tenant named '\(tenant)'; create it with herald ctl tenants create")
    }

    /// The active key with this secret and its tenant, if any.
    package func authenticate(_ secret: String) async throws -> Principal? {
        try await firstPrincipal(client.query("""
            select \(unescaped: Self.principalColumns) from api_keys k join tenants t on t.id = k.tenant_id
            where k.key_hash = sha256(convert_to(\(secret), 'UTF8')) and k.revoked_at is null
            """, logger: logger))
    }

    /// The principal of an active key found by its id (a request parked with it, released later); nil once revoked.
    package func principal(keyID: UUID) async throws -> Principal? {
        try await firstPrincipal(client.query("""
            select \(unescaped: Self.principalColumns) from api_keys k join tenants t on t.id = k.tenant_id
            where k.id = \(keyID) and k.revoked_at is null
            """, logger: logger))
    }

    /// What a principal is read from, in the order `firstPrincipal` decodes it.
    static let principalColumns = "k.id, t.id, t.rate_per_minute, t.burst, t.default_locale, k.operator"

    private func firstPrincipal(_ rows: PostgresRowSequence) async throws -> Principal? {
        for try await (id, tenant, rate, burst, locale, isOperator) in rows.decode((UUID, UUID, Int, Int, String?, Bool).self) {
            return Principal(
                keyID: id, tenantID: tenant, ratePerMinute: rate, burst: burst, defaultLocale: locale, isOperator: isOperator)
        }
        return nil
    }

    /// Revokes the tenant's active key with this name; false when there is none.
    package func revoke(name: String, tenant: String = "default") async throws -> Bool {
        let rows = try await client.query("""
            update api_keys k set revoked_at = now() from tenants t
            where k.name = \(name) and k.revoked_at is null and t.id = k.tenant_id and t.name = \(tenant) returning k.id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    package func list() async throws -> [Key] {
        var keys: [Key] = []
        let rows = try await client.query(
            """
            select k.id, k.name, k.created_at, k.revoked_at, t.name, k.operator
            from api_keys k join tenants t on t.id = k.tenant_id
            order by k.created_at
            """, logger: logger)
        let decoded = rows.decode((UUID, String, Date, Date?, String, Bool).self)
        for try await (id, name, createdAt, revokedAt, tenant, isOperator) in decoded {
            keys.append(Key(
                id: id, name: name, createdAt: createdAt, revokedAt: revokedAt, tenant: tenant, isOperator: isOperator))
        }
        return keys
    }
}
