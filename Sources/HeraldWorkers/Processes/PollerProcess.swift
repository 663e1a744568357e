package import HeraldProviders
import HeraldCore
package import HeraldRuntime
package import HeraldStore
package import Logging
package import ServiceLifecycle

/// `herald-poller`: its settings, read once, and the services it runs (it needs the database only).
package struct PollerProcess: Sendable {
    package var sms: SMSConfiguration
    package var databaseConnections: Int
    package var stallTimeout: Duration

    package init(environment: Environment) throws {
        sms = try SMSConfiguration(environment: environment)
        databaseConnections = try environment.int(.databaseConnections, role: .poller)
        stallTimeout = try RecoveryPolicy(environment: environment).stallTimeout
    }

    /// The poller, asking `client`.
    package func services(database: Database, client: any SMSProvider, logger: Logger) -> [any Service] {
        [StatusPoller(
            polls: SMSPollRepository(database: database, logger: logger), client: client, configuration: sms.poller,
            watchdog: Watchdog(limit: stallTimeout, logger: logger), logger: logger)]
    }

    package static func run(environment: Environment, logger: Logger) async throws {
        let process = try PollerProcess(environment: environment)
        let database = try await Infrastructure.database(
            environment: environment, connections: process.databaseConnections, logger: logger)
        let client = TyntecClient(configuration: process.sms.tyntec)
        logger.info("polling \(process.sms.tyntec)")
        try await ProcessRuntime.closing(client.shutdown) {
            let metrics = try ObservabilityServer.service(
                process: "herald-poller", environment: environment, database: database, bus: nil, logger: logger)
            try await ProcessRuntime.run(
                [database, metrics] + process.services(database: database, client: client, logger: logger), logger: logger)
        }
    }
}
