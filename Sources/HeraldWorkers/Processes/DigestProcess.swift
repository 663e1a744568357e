import HeraldPipeline
package import HeraldCore
package import HeraldRuntime
import HeraldStore
package import Logging
import ServiceLifecycle

/// `herald-digest`: its settings, read once, and the services it runs.
package struct DigestProcess: Sendable {
    package var configuration: DigestConfiguration
    package var databaseConnections: Int

    package init(environment: Environment) throws {
        configuration = DigestConfiguration(
            emailTemplate: try environment.string(.digestTemplate),
            smsTemplate: try environment.string(.digestSMSTemplate),
            interval: .seconds(try environment.int(.digestInterval)),
            batchSize: try environment.int(.digestBatch),
            defaultLocale: try environment.string(.defaultLocale))
        databaseConnections = try environment.int(.databaseConnections, role: .digest)
    }

    package func aggregator(
        infrastructure: Infrastructure, clock: any HeraldClock = SystemClock(), logger: Logger
    ) -> DigestAggregator {
        DigestAggregator(
            digests: DigestRepository(database: infrastructure.database, logger: logger),
            templates: TemplateRepository(database: infrastructure.database, logger: logger),
            publisher: infrastructure.publisher(logger: logger), clock: clock, configuration: configuration,
            watchdog: infrastructure.watchdog(logger: logger), logger: logger)
    }

    package static func run(environment: Environment, logger: Logger) async throws {
        let process = try DigestProcess(environment: environment)
        try await ProcessRuntime.runWorker(
            "herald-digest", environment: environment, databaseConnections: process.databaseConnections,
            logger: logger) { infrastructure in [process.aggregator(infrastructure: infrastructure, logger: logger)] }
    }
}
