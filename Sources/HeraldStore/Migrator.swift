package import Logging
import PostgresNIO

/// Applies pending migrations. Safe when several processes start at once: each migration runs in a transaction that
/// first takes an advisory lock, then checks whether another process applied it meanwhile.
package struct Migrator: Sendable {
    /// An arbitrary constant shared by every Herald process ("herald" in ASCII).
    static let lockKey: Int64 = 0x6865_7261_6C64

    let database: Database
    let migrations: [Migration]
    let logger: Logger

    package init(database: Database, migrations: [Migration] = Migration.all, logger: Logger) {
        self.database = database
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Returns the versions this call applied (empty when the schema was current).
    @discardableResult
    package func migrate() async throws -> [Int] {
        var applied: [Int] = []
        for migration in migrations {
            let didApply = try await database.client.withTransaction(logger: logger) { connection in
                try await connection.query("select pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                try await connection.query("""
                    create table if not exists herald_migrations (
                        version int primary key,
                        name text not null,
                        applied_at timestamptz not null default now()
                    )
                    """, logger: logger)
                let rows = try await connection.query(
                    "select 1 from herald_migrations where version = \(migration.version)", logger: logger)
                for try await _ in rows { return false }
                for statement in migration.statements {
                    do {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    } catch {
                        throw StoreError(.migration, "\(migration.version) \(migration.name): \(StoreError.describe(error))")
                    }
                }
                try await connection.query(
                    "insert into herald_migrations (version, name) values (\(migration.version), \(migration.name))",
                    logger: logger)
                return true
            }
            if didApply {
                logger.info("applied migration", metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"])
                applied.append(migration.version)
            }
        }
        return applied
    }

    /// Versions recorded as applied.
    package func appliedVersions() async throws -> [Int] {
        let exists = try await database.client.query("select to_regclass('herald_migrations') is not null", logger: logger)
        for try await (present) in exists.decode(Bool.self) where !present { return [] }
        var versions: [Int] = []
        for try await version in try await database.client.query(
            "select version from herald_migrations order by version", logger: logger
        ).decode(Int.self) {
            versions.append(version)
        }
        return versions
    }
}
