import ArgumentParser
import HeraldBus
import HeraldServer
import HeraldStore
import Logging

/// Settings every subcommand takes, as options over the environment (the same names as the fleet's).
struct ToolOptions: OptionSource {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL [HERALD_DATABASE_URL; default \(Environment.defaultDatabaseURL)]")
    var databaseURL: String?
    @Option(name: .customLong("amqp-url"), help: "RabbitMQ URL [HERALD_AMQP_URL; default \(Environment.defaultAMQPURL)]")
    var amqpURL: String?
    @Option(name: .customLong("database-ca-file"), help: "CA certificate for sslmode=verify-ca/verify-full [HERALD_DATABASE_CA_FILE]")
    var databaseCAFile: String?
    @Option(name: .customLong("amqp-ca-file"), help: "CA certificate for amqps:// [HERALD_AMQP_CA_FILE]")
    var amqpCAFile: String?
    @Option(name: .customLong("amqp-cert-file"), help: "Client certificate for amqps:// [HERALD_AMQP_CERT_FILE]")
    var amqpCertFile: String?
    @Option(name: .customLong("amqp-key-file"), help: "The client certificate's key [HERALD_AMQP_KEY_FILE]")
    var amqpKeyFile: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical [LOG_LEVEL; default warning]")
    var logLevel: String?
    @OptionGroup(title: "Broker topology") var topology: TopologyOptions
    @OptionGroup(title: "Recovery") var recovery: RecoveryOptions

    init() {}

    var values: [String: String?] {
        [
            "HERALD_DATABASE_URL": databaseURL, "HERALD_AMQP_URL": amqpURL, "LOG_LEVEL": logLevel,
            "HERALD_DATABASE_CA_FILE": databaseCAFile, "HERALD_AMQP_CA_FILE": amqpCAFile,
            "HERALD_AMQP_CERT_FILE": amqpCertFile, "HERALD_AMQP_KEY_FILE": amqpKeyFile,
        ]
            .merging(topology.values) { first, _ in first }
            .merging(recovery.values) { first, _ in first }
    }
}

/// What a subcommand works with: its settings and a logger, and the database and broker opened from them.
struct Tool {
    let environment: Environment
    let logger: Logger

    func withDatabase<T>(_ body: (Database) async throws -> T) async throws -> T {
        try await Infrastructure.withDatabase(environment: environment, logger: logger, body)
    }

    func withBus<T>(_ body: (BusClient) async throws -> T) async throws -> T {
        let configuration = try Infrastructure.amqp(environment: environment, processName: "heraldctl")
        let bus = try await BusClient.connect(configuration, logger: logger)
        do {
            let result = try await body(bus)
            await bus.shutdown()
            return result
        } catch {
            await bus.shutdown()
            throw error
        }
    }

    /// The database and the broker, for commands that change both.
    func withInfrastructure<T>(_ body: (Infrastructure) async throws -> T) async throws -> T {
        let recovery = try RecoveryPolicy(environment: environment)
        return try await withDatabase { database in
            try await withBus { bus in try await body(Infrastructure(database: database, bus: bus, recovery: recovery)) }
        }
    }
}

/// Runs a subcommand's body, printing failures as one line and exiting non-zero.
func command(_ options: ToolOptions, _ body: (Tool) async throws -> Void) async throws {
    let environment = Environment(overriding: [options])
    ProcessRuntime.bootstrap(environment: environment)
    var logger = Logger(label: "heraldctl")
    logger.logLevel = environment.optional("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .warning
    try await ProcessRuntime.command("heraldctl") { try await body(Tool(environment: environment, logger: logger)) }
}
