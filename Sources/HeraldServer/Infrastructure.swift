import HeraldBus
import HeraldStore
import Logging

/// The database and the broker, as every Herald process uses them.
public struct Infrastructure: Sendable {
    public let database: Database
    public let bus: BusClient

    public init(database: Database, bus: BusClient) {
        self.database = database
        self.bus = bus
    }

    /// Builds both from `HERALD_DATABASE_URL` and `HERALD_AMQP_URL`, checking that each answers: a wrong password,
    /// an unknown vhost or an unreachable server fails here with one readable error. The database pool works once
    /// `database.run()` runs, so list `database` first among the process's services.
    public static func connect(
        environment: Environment, processName: String, databaseConnections: Int = 20, logger: Logger
    ) async throws -> Infrastructure {
        let database = Database(
            try DatabaseConfiguration(
                url: environment.string("HERALD_DATABASE_URL", default: Environment.defaultDatabaseURL),
                maximumConnections: databaseConnections),
            logger: logger)
        try await database.checkConnection()
        let amqp = try AMQPConfiguration(
            url: environment.string("HERALD_AMQP_URL", default: Environment.defaultAMQPURL), connectionName: processName)
        let bus = try await BusClient.connect(amqp, logger: logger)
        return Infrastructure(database: database, bus: bus)
    }
}
