import HeraldCore
import HeraldServer
import HeraldStore
import Logging
import ServiceLifecycle

/// `herald-digest`: its settings, read once, and the services it runs.
public struct DigestProcess: Sendable {
    public var configuration: DigestConfiguration
    public var databaseConnections: Int

    public init(environment: Environment) throws {
        configuration = DigestConfiguration(
            emailTemplate: try environment.string("HERALD_DIGEST_TEMPLATE", default: "digest"),
            smsTemplate: try environment.string("HERALD_DIGEST_SMS_TEMPLATE", default: "digest-sms"),
            interval: .seconds(try environment.int("HERALD_DIGEST_INTERVAL_SECONDS", default: 5)),
            batchSize: try environment.int("HERALD_DIGEST_BATCH", default: 500),
            defaultLocale: try environment.string("HERALD_DEFAULT_LOCALE", default: "en"))
        databaseConnections = try environment.int("HERALD_DATABASE_CONNECTIONS", default: 4)
    }

    public func aggregator(
        infrastructure: Infrastructure, clock: any HeraldClock = SystemClock(), logger: Logger
    ) -> DigestAggregator {
        DigestAggregator(
            digests: DigestRepository(database: infrastructure.database, logger: logger),
            templates: TemplateRepository(database: infrastructure.database, logger: logger),
            publisher: infrastructure.publisher(logger: logger), clock: clock, configuration: configuration,
            watchdog: infrastructure.watchdog(logger: logger), logger: logger)
    }

    public static func run(environment: Environment, logger: Logger) async throws {
        let process = try DigestProcess(environment: environment)
        try await ProcessRuntime.runWorker(
            "herald-digest", environment: environment, databaseConnections: process.databaseConnections,
            logger: logger) { infrastructure in [process.aggregator(infrastructure: infrastructure, logger: logger)] }
    }
}
