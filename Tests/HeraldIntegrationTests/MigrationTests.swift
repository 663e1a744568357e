import HeraldStore
import PostgresNIO
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

    @Test("moving to the outbox keeps every message's place: unpublished, scheduled and rendered ones")
    func outboxMigrationKeepsMessages() async throws {
        try await TestInfrastructure.withDatabase(migrate: false) { database in
            let logger = TestInfrastructure.logger
            let before = Migration.all.filter { $0.version < 5 }
            _ = try await Migrator(database: database, migrations: before, logger: logger).migrate()
            let client = database.client
            try await client.query("""
                insert into templates (name, version, channel, subject, text_body) values ('t', 1, 'email', 's', 'x');
                """, logger: logger)
            try await client.query("insert into procedures (id, kind) values ('00000000-0000-0000-0000-0000000000aa', 'k')", logger: logger)
            let rows: [(String, String, String?)] = [
                ("00000000-0000-0000-0000-000000000001", "queued", nil),            // committed, never published
                ("00000000-0000-0000-0000-000000000002", "queued", "now()"),        // published
                ("00000000-0000-0000-0000-000000000003", "scheduled", nil),
                ("00000000-0000-0000-0000-000000000004", "rendered", "now()"),
            ]
            for (id, state, published) in rows {
                try await client.query(PostgresQuery(unsafeSQL: """
                    insert into messages (id, procedure_id, channel, to_address, template_id, state, send_at, published_at,
                                          subject, text_body, html_body)
                    select '\(id)', '00000000-0000-0000-0000-0000000000aa', 'email', 'a@example.com', id, '\(state)',
                           now() + interval '1 hour', \(published ?? "null"),
                           case when '\(state)' = 'rendered' then 'Subject' end,
                           case when '\(state)' = 'rendered' then 'Text' end, null
                    from templates
                    """), logger: logger)
            }
            #expect(try await Migrator(database: database, logger: logger).migrate() == Migration.all.map(\.version).filter { $0 >= 5 })

            func strings(_ sql: String) async throws -> [String] {
                var values: [String] = []
                for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) {
                    values.append(value)
                }
                return values
            }
            #expect(try await strings("select unnest(message_ids)::text from job_ledger") == ["00000000-0000-0000-0000-000000000001"])
            // A process of the release before, which still writes `outbox`, keeps working through the view while an
            // upgrade replaces it: the row it inserts gets its id from the ledger's sequence and is in the ledger.
            let inserted = try await strings("""
                insert into outbox (message_ids, stage) values ('{00000000-0000-0000-0000-000000000002}', 'render') returning id::text
                """)
            #expect(inserted.count == 1)
            #expect(try await strings("select id::text from job_ledger where stage = 'render' order by id desc limit 1") == inserted)
            try await client.query("delete from outbox where id = \(Int64(inserted.first ?? "0") ?? 0)", logger: logger)
            #expect(try await strings("select count(*)::text from job_ledger") == ["1"])
            #expect(try await strings("select message_id::text from schedule") == ["00000000-0000-0000-0000-000000000003"])
            #expect(try await strings("select concat_ws(' ', message_id, subject, text_body) from message_contents")
                == ["00000000-0000-0000-0000-000000000004 Subject Text"])
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
