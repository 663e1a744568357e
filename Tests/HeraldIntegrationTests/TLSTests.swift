import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import Testing
import NIOHTTP1
import PostgresNIO

/// The CA scripts/setup.sh makes for the servers' loopback certificates.
let localCA = "/etc/herald/local-ca/ca.pem"

/// TLS to the broker and the database on loopback, as scripts/setup.sh configures them: RabbitMQ's amqps listener on
/// 5671 and PostgreSQL with ssl on, both with a certificate for localhost signed by the local CA.
@Suite("TLS to the broker and the database", .enabled(if: FileManager.default.fileExists(atPath: localCA)))
struct TLSTests {
    static let localCA = HeraldIntegrationTests.localCA

    /// A CA that signed nothing the servers present.
    static func otherCA() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificate = folder.appendingPathComponent("ca.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Other CA",
                             "-keyout", folder.appendingPathComponent("ca.key").path, "-out", certificate]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return certificate
    }

    @Test("amqps:// verified against the local CA carries jobs; another CA, or TLS to the plain port, is refused at connect")
    func broker() async throws {
        try await TestInfrastructure.withVhost { plain in
            var configuration = plain
            configuration.host = "localhost"
            configuration.port = 5671
            configuration.tls = .init(caFile: Self.localCA)
            let bus = try await BusClient.connect(configuration, logger: TestInfrastructure.logger)
            try await TestFleet.topology.declare(on: bus)
            try await bus.publishJobs([Job(messageID: UUID())], to: .render)
            #expect(try await bus.queueStatus(Stage.render.queue).messages == 1)
            await bus.shutdown()

            var wrongCA = configuration
            wrongCA.tls = .init(caFile: try Self.otherCA())
            await #expect {
                try await BusClient.connect(wrongCA, logger: TestInfrastructure.logger)
            } throws: { error in
                (error as? BusError)?.code == .tlsFailed && "\(error)".contains("verification failed")
            }
            var plainPort = configuration
            plainPort.port = 5672
            await #expect(throws: BusError.self) { try await BusClient.connect(plainPort, logger: TestInfrastructure.logger) }
        }
    }

    @Test("sslmode=verify-full against the local CA connects encrypted; another CA fails; no CA file means the system's")
    func database() async throws {
        let base = TestInfrastructure.databaseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        let separator = base.contains("?") ? "&" : "?"
        var configuration = try DatabaseConfiguration(url: base + separator + "sslmode=verify-full", maximumConnections: 1)
        configuration.caFile = Self.localCA
        let database = Database(configuration, logger: TestInfrastructure.logger)
        let pool = Task { await database.run() }
        defer { pool.cancel() }
        try await database.checkConnection()
        let rows = try await database.client.query(
            "select ssl from pg_stat_ssl where pid = pg_backend_pid()", logger: TestInfrastructure.logger)
        var encrypted = false
        for try await ssl in rows.decode(Bool.self) { encrypted = ssl }
        #expect(encrypted)

        for caFile in [try Self.otherCA(), nil] {
            var refused = configuration
            refused.caFile = caFile
            await #expect("CA \(caFile ?? "of the system")") {
                try await Database(refused, logger: TestInfrastructure.logger).checkConnection()
            } throws: { error in
                (error as? StoreError)?.code == .tlsFailed && "\(error)".contains("must verify against")
            }
        }
    }
}
