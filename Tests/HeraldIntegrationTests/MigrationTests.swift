import HeraldStore
import Testing

@Suite("Migrations against a real PostgreSQL")
struct MigrationTests {
    @Test("running twice applies nothing the second time")
    func twice() async throws {
        try await TestInfrastructure.withDatabase(migrate: false) { database in
            let migrator = Migrator(database: database, logger: TestInfrastructure.logger)
            let all = Migration.all.map(\.version)
            let first = try await migrator.migrate()
            let second = try await migrator.migrate()
            let recorded = try await migrator.appliedVersions()
            #expect(first == all)
            #expect(second.isEmpty)
            #expect(recorded == all)
        }
    }

    @Test("several processes migrating at once apply each migration exactly once")
    func concurrently() async throws {
        try await TestInfrastructure.withDatabase(migrate: false) { database in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<6 {
                    group.addTask { try await Migrator(database: database, logger: TestInfrastructure.logger).migrate() }
                }
                var all: [Int] = []
                for try await versions in group { all += versions }
                return all
            }
            #expect(applied.sorted() == Migration.all.map(\.version))
            let versions = try await Migrator(database: database, logger: TestInfrastructure.logger).appliedVersions()
            #expect(versions == Migration.all.map(\.version))
        }
    }

    @Test("a wrong password or database fails with the server's reason")
    func badConfiguration() async throws {
        var configuration = try DatabaseConfiguration(url: TestInfrastructure.databaseURL)
        configuration.password = "not-the-password"
        do {
            try await Database(configuration, logger: TestInfrastructure.logger).checkConnection()
            Issue.record("connected with a wrong password")
        } catch let error as StoreError {
            #expect(error.description.contains("password authentication failed"))
            #expect(!error.description.contains("not-the-password"))
        }
        #expect(throws: DatabaseConfiguration.InvalidURL.self) { try DatabaseConfiguration(url: "mysql://x/y") }
        #expect(throws: DatabaseConfiguration.InvalidURL.self) { try DatabaseConfiguration(url: "postgres://u@h") }
    }
}
