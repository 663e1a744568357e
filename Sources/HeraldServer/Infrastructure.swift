import HeraldBus
import HeraldStore
import Logging

/// The database and the broker, as every Herald process uses them.
public struct Infrastructure: Sendable {
    public let database: Database
    public let bus: BusClient

    /// Builds both from `HERALD_DATABASE_URL` and `HERALD_AMQP_URL`, checking each answers; a wrong password,
    /// an unknown vhost or an unreachable server fails here with one readable error.
    ///
    /// The database pool only works while `database.run()` runs, so callers must run it (as the first service of
    /// their group) before using `database`; `start` runs it in `task` for the check and hands the task back.
    public static func connect(
        environment: Environment, processName: String, databaseConnections: Int = 20, logger: Logger
    ) async throws -> (Infrastructure, databaseTask: Task<Void, Never>) {
        let database = try Database(
            DatabaseConfiguration(
                url: environment.string("HERALD_DATABASE_URL", default: Environment.defaultDatabaseURL),
                maximumConnections: databaseConnections),
            logger: logger)
        let task = Task { await database.run() }
        do {
            try await database.checkConnection()
            let amqp = try AMQPConfiguration(
                url: environment.string("HERALD_AMQP_URL", default: Environment.defaultAMQPURL),
                connectionName: processName)
            let bus = try await BusClient.connect(amqp, logger: logger)
            return (Infrastructure(database: database, bus: bus), task)
        } catch {
            task.cancel()
            throw error
        }
    }
}
