import Foundation
package import HeraldBus
package import HeraldStore
package import Logging

/// The database and the broker, as every Herald process uses them, with the deadlines of the states jobs own.
package struct Infrastructure: Sendable {
    package let database: Database
    package let bus: BusClient
    package let recovery: RecoveryPolicy

    package init(database: Database, bus: BusClient, recovery: RecoveryPolicy = RecoveryPolicy()) {
        self.database = database
        self.bus = bus
        self.recovery = recovery
    }

    package func ledger(logger: Logger) -> JobLedger {
        JobLedger(database: database, policy: recovery, logger: logger)
    }

    package func watchdog(logger: Logger) -> Watchdog {
        Watchdog(limit: recovery.stallTimeout, logger: logger)
    }

    /// Builds both from `HERALD_DATABASE_URL` and `HERALD_AMQP_URL`, checking that each answers: a wrong password,
    /// an unknown vhost or an unreachable server fails here with one readable error. The database pool works once
    /// `database.run()` runs, so list `database` first among the process's services.
    package static func connect(
        environment: Environment, processName: String, databaseConnections: Int = 20, logger: Logger
    ) async throws -> Infrastructure {
        let database = try await database(environment: environment, connections: databaseConnections, logger: logger)
        let amqp = try amqp(environment: environment, processName: processName)
        let recovery = try RecoveryPolicy(environment: environment)
        let bus = try await BusClient.connect(amqp, logger: logger)
        return Infrastructure(database: database, bus: bus, recovery: recovery)
    }

    /// The broker from `HERALD_AMQP_URL`, with `HERALD_AMQP_CA_FILE`, `HERALD_AMQP_CERT_FILE` and
    /// `HERALD_AMQP_KEY_FILE` for `amqps://`.
    package static func amqp(environment: Environment, processName: String) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(
            url: environment.string(.amqpURL), connectionName: processName)
        let settings: [Setting] = [.amqpCAFile, .amqpCertFile, .amqpKeyFile]
        let files = try settings.map { try readableFile($0, environment: environment) }
        if configuration.tls == nil {
            if let setting = zip(settings, files).first(where: { $0.1 != nil })?.0 {
                throw ConfigurationError("\(setting.variable) is set but HERALD_AMQP_URL is not amqps://")
            }
            return configuration
        }
        configuration.tls = AMQPConfiguration.TLS(caFile: files[0], certificateFile: files[1], keyFile: files[2])
        return configuration
    }

    /// The file a setting names, if set; one that cannot be read is a configuration error naming it.
    static func readableFile(_ setting: Setting, environment: Environment) throws -> String? {
        guard let path = environment.optional(setting) else { return nil }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ConfigurationError("\(setting.variable): cannot read '\(path)'")
        }
        return path
    }

    /// The database from `HERALD_DATABASE_URL`, checked to answer. Its pool works once `run()` runs.
    package static func database(environment: Environment, connections: Int = 20, logger: Logger) async throws -> Database {
        let database = try unchecked(environment: environment, connections: connections, logger: logger)
        try await database.checkConnection()
        return database
    }

    private static func unchecked(environment: Environment, connections: Int, logger: Logger) throws -> Database {
        var configuration = try DatabaseConfiguration(
            url: environment.string(.databaseURL),
            maximumConnections: connections)
        if let caFile = try readableFile(.databaseCAFile, environment: environment) {
            guard configuration.tls == .verifyCA || configuration.tls == .verifyFull else {
                throw ConfigurationError("HERALD_DATABASE_CA_FILE is set but HERALD_DATABASE_URL's sslmode is not verify-ca or verify-full")
            }
            configuration.caFile = caFile
        }
        return Database(configuration, logger: logger)
    }

    /// Runs `body` with the database's pool running, for tools that use it briefly.
    package static func withDatabase<T>(
        environment: Environment = Environment(), logger: Logger, _ body: (Database) async throws -> T
    ) async throws -> T {
        let database = try unchecked(environment: environment, connections: 20, logger: logger)
        // Started before the check, so the pool runs by the time `body` queries it.
        let pool = Task { await database.run() }
        defer { pool.cancel() }
        try await database.checkConnection()
        return try await body(database)
    }
}
