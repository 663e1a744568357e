import Foundation
import Logging
import PostgresNIO

/// API keys. Only a SHA-256 hash of each key is stored; the key itself is shown once, when it is created.
public struct APIKeyRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    public struct Key: Sendable {
        public let id: UUID
        public let name: String
        public let createdAt: Date
        public let revokedAt: Date?
    }

    /// Creates a key and returns it with its secret, which is not stored and cannot be read again.
    public func create(name: String) async throws -> (key: Key, secret: String) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = "hk_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let id = UUID()
        do {
            let rows = try await client.query("""
                insert into api_keys (id, name, key_hash) values (\(id), \(name), sha256(convert_to(\(secret), 'UTF8')))
                returning created_at
                """, logger: logger)
            for try await createdAt in rows.decode(Date.self) {
                return (Key(id: id, name: name, createdAt: createdAt, revokedAt: nil), secret)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StoreError(.conflict, "an active key named '\(name)' exists already")
        }
        throw StoreError(.notFound, "key not created")
    }

    /// The id of the active key with this secret, if any.
    public func authenticate(_ secret: String) async throws -> UUID? {
        let rows = try await client.query("""
            select id from api_keys where key_hash = sha256(convert_to(\(secret), 'UTF8')) and revoked_at is null
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    /// Revokes the active key with this name; false when there is none.
    public func revoke(name: String) async throws -> Bool {
        let rows = try await client.query("""
            update api_keys set revoked_at = now() where name = \(name) and revoked_at is null returning id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    public func list() async throws -> [Key] {
        var keys: [Key] = []
        let rows = try await client.query(
            "select id, name, created_at, revoked_at from api_keys order by created_at", logger: logger)
        for try await (id, name, createdAt, revokedAt) in rows.decode((UUID, String, Date, Date?).self) {
            keys.append(Key(id: id, name: name, createdAt: createdAt, revokedAt: revokedAt))
        }
        return keys
    }
}
