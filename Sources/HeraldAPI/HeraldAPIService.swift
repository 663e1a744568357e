import HeraldPipeline
import Foundation
import HeraldBus
package import HeraldCore
import HeraldRendering
package import HeraldRuntime
import HeraldStore
package import Hummingbird
package import Logging
package import ServiceLifecycle

/// Everything `herald-api` runs, built from its configuration: the HTTP application, the intake queue's consumer
/// and the relay.
package enum HeraldAPIService {
    static func handlers(
        infrastructure: Infrastructure, configuration: APIConfiguration, clock: any HeraldClock, logger: Logger
    ) -> APIHandlers {
        APIHandlers(
            intake: MessageIntake(infrastructure: infrastructure, defaultLocale: configuration.defaultLocale, logger: logger),
            queries: MessageQueries(database: infrastructure.database, logger: logger),
            control: MessageControl(database: infrastructure.database, logger: logger),
            recipients: RecipientRepository(database: infrastructure.database, logger: logger), clock: clock,
            renderer: configuration.renderer,
            maxBodySize: configuration.maxBodySize, maxProcedureSize: configuration.maxProcedureSize,
            callbackAddresses: configuration.callbackAddresses, retryInterval: configuration.retryInterval,
            suppressions: SuppressionStore(database: infrastructure.database, logger: logger),
            inbound: InboundStore(database: infrastructure.database, logger: logger), smsKeywords: configuration.smsKeywords)
    }

    package static func router(
        infrastructure: Infrastructure, configuration: APIConfiguration, clock: any HeraldClock = SystemClock(),
        logger: Logger
    ) -> Router<HeraldRequestContext> {
        let handlers = handlers(infrastructure: infrastructure, configuration: configuration, clock: clock, logger: logger)
        let keys = KeyAuthenticator(keys: APIKeyRepository(database: infrastructure.database, logger: logger))
        let router = Router(context: HeraldRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: InputHygieneMiddleware())
        router.get("healthz") { _, _ in json(.ok, .object(["status": .string("ok")])) }
        router.get("readyz") { _, _ in
            try await readiness(infrastructure: infrastructure, logger: logger)
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_json)))
        }
        let v1 = router.group("v1").add(middleware: AuthMiddleware(keys: keys))
        handlers.addTemplateRoutes(to: v1)
        handlers.addMessageRoutes(to: v1)
        handlers.addRecipientRoutes(to: v1)
        handlers.addNotificationRoutes(to: v1)
        handlers.addReminderRoutes(to: v1)
        handlers.addCallbackRoutes(to: v1)
        handlers.addSuppressionRoutes(to: v1)
        handlers.addInboundRoutes(to: v1)
        handlers.addQuietHoursRoutes(to: v1)
        // Providers' own calls carry no API key: the URL's secret token is their credential.
        let providers = router.group("v1/providers")
        handlers.addProviderRoutes(to: providers, inboundToken: configuration.tyntecInboundToken)
        ReportRoutes(
            store: DeliveryReportStore(database: infrastructure.database, logger: logger),
            tokens: configuration.providerTokens, grace: configuration.receiptGrace
        ).add(to: providers)
        UnsubscribeRoutes(
            suppressions: SuppressionStore(database: infrastructure.database, logger: logger), tokens: configuration.providerTokens
        ).add(to: router)
        DeadLetterRoutes(desk: DeadLetterDesk(infrastructure: infrastructure, logger: logger), maxBodySize: configuration.maxBodySize)
            .add(to: v1)
        return router
    }

    /// Consumes `herald.intake` with the same rules as the HTTP routes.
    package static func intakeConsumer(
        infrastructure: Infrastructure, configuration: APIConfiguration, clock: any HeraldClock = SystemClock(),
        logger: Logger
    ) -> any Service {
        IntakeConsumer(
            bus: infrastructure.bus,
            handlers: handlers(infrastructure: infrastructure, configuration: configuration, clock: clock, logger: logger),
            keys: KeyAuthenticator(keys: APIKeyRepository(database: infrastructure.database, logger: logger)),
            parked: ParkedRequestStore(database: infrastructure.database, logger: logger),
            concurrency: configuration.intakeConcurrency, watchdog: infrastructure.watchdog(logger: logger), logger: logger)
    }

    /// The services to run after the database and the bus, per the configured mode.
    package static func services(
        infrastructure: Infrastructure, configuration: APIConfiguration, logger: Logger
    ) -> [any Service] {
        var services: [any Service] = [FleetGauges(infrastructure: infrastructure, logger: logger)]
        if configuration.mode != .http {
            services.append(Relay(
                infrastructure: infrastructure, interval: configuration.relayInterval,
                batchSize: configuration.relayBatchSize, logger: logger))
            services.append(ParkedIntakeRelease(
                parked: ParkedRequestStore(database: infrastructure.database, logger: logger),
                keys: APIKeyRepository(database: infrastructure.database, logger: logger),
                handlers: handlers(infrastructure: infrastructure, configuration: configuration, clock: SystemClock(), logger: logger),
                bus: infrastructure.bus, interval: configuration.relayInterval,
                watchdog: infrastructure.watchdog(logger: logger), logger: logger))
            services.append(RetentionSweeper(
                infrastructure: infrastructure, policy: configuration.retention, interval: configuration.retentionInterval,
                logger: logger))
        }
        if configuration.mode != .relay && configuration.intakeConcurrency > 0 {
            services.append(intakeConsumer(infrastructure: infrastructure, configuration: configuration, logger: logger))
        }
        if configuration.mode != .relay {
            let router = router(infrastructure: infrastructure, configuration: configuration, logger: logger)
            services.append(Application(
                router: router,
                server: .http1(configuration: .init(additionalChannelHandlers: [ParserErrorResponder()])),
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "herald"),
                logger: logger))
        }
        return services
    }

    /// Runs `herald-api` as its settings in `environment` say.
    package static func run(environment: HeraldRuntime.Environment, logger: Logger) async throws {
        let configuration = try APIConfiguration(environment: environment)
        try await ProcessRuntime.runWorker(
            "herald-api", environment: environment, databaseConnections: configuration.databaseConnections,
            logger: logger) { infrastructure in
            services(infrastructure: infrastructure, configuration: configuration, logger: logger)
        }
    }

    static func readiness(infrastructure: Infrastructure, logger: Logger) async throws -> Response {
        var failures: [String] = []
        do {
            try await infrastructure.database.ping()
        } catch {
            failures.append("database: \(ProcessRuntime.describe(error))")
        }
        do {
            _ = try await infrastructure.bus.queueStatus(Stage.render.queue)
        } catch {
            failures.append("broker: \(error)")
        }
        guard failures.isEmpty else {
            throw Problem(.serviceUnavailable, type: "not-ready", title: "Not ready", detail: failures.joined(separator: "; "))
        }
        return json(.ok, .object(["status": .string("ready")]))
    }
}
