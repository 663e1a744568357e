import HeraldIntake
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
    /// The intake over `stores`, as both the routes and the intake queue's consumer use it.
    static func intake(
        stores: APIStores, configuration: APIConfiguration, clock: any HeraldClock = SystemClock(), logger: Logger
    ) -> MessageIntake {
        MessageIntake(
            store: stores.intake, templates: stores.templates, tenants: stores.tenants, quietHours: stores.quietHours,
            domains: stores.domains, publisher: stores.publisher, recipients: stores.recipients, clock: clock,
            renderer: configuration.renderer, defaultLocale: configuration.defaultLocale,
            maxProcedureSize: configuration.maxProcedureSize, logger: logger)
    }

    static func handlers(stores: APIStores, configuration: APIConfiguration, clock: any HeraldClock, logger: Logger) -> APIHandlers {
        APIHandlers(
            intake: intake(stores: stores, configuration: configuration, clock: clock, logger: logger),
            queries: stores.queries, control: stores.control,
            renderer: configuration.renderer, maxBodySize: configuration.maxBodySize,
            callbackAddresses: configuration.callbackAddresses, retryInterval: configuration.retryInterval,
            suppressions: stores.suppressions, inbound: stores.inbound, smsKeywords: configuration.smsKeywords)
    }

    /// The HTTP routes over `stores`: the fleet's database and broker, or the router tests' fakes.
    package static func router(
        stores: APIStores, configuration: APIConfiguration, clock: any HeraldClock = SystemClock(), logger: Logger
    ) -> Router<HeraldRequestContext> {
        let handlers = handlers(stores: stores, configuration: configuration, clock: clock, logger: logger)
        let keys = KeyAuthenticator(keys: stores.keys)
        let router = Router(context: HeraldRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: InputHygieneMiddleware())
        router.get("healthz") { _, _ in json(.ok, .object(["status": .string("ok")])) }
        router.get("readyz") { _, _ in
            let failures = await stores.readiness()
            guard failures.isEmpty else {
                throw Problem(.serviceUnavailable, type: "not-ready", title: "Not ready", detail: failures.joined(separator: "; "))
            }
            return json(.ok, .object(["status": .string("ready")]))
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
        ReportRoutes(store: stores.reports, tokens: configuration.providerTokens, grace: configuration.receiptGrace)
            .add(to: providers)
        UnsubscribeRoutes(suppressions: stores.suppressions, tokens: configuration.providerTokens).add(to: router)
        DeadLetterRoutes(desk: stores.deadLetters, maxBodySize: configuration.maxBodySize).add(to: v1)
        return router
    }

    /// Consumes `herald.intake` with the same rules as the HTTP routes.
    package static func intakeConsumer(
        infrastructure: Infrastructure, configuration: APIConfiguration, logger: Logger
    ) -> any Service {
        let stores = APIStores(infrastructure: infrastructure, logger: logger)
        return IntakeConsumer(
            bus: infrastructure.bus, intake: intake(stores: stores, configuration: configuration, logger: logger),
            keys: KeyAuthenticator(keys: stores.keys),
            parked: ParkedRequestStore(database: infrastructure.database, logger: logger),
            concurrency: configuration.intakeConcurrency, maxBodySize: configuration.maxBodySize,
            watchdog: infrastructure.watchdog(logger: logger), logger: logger)
    }

    /// The services to run after the database and the bus, per the configured mode.
    package static func services(
        infrastructure: Infrastructure, configuration: APIConfiguration, logger: Logger
    ) -> [any Service] {
        let stores = APIStores(infrastructure: infrastructure, logger: logger)
        var services: [any Service] = [FleetGauges(infrastructure: infrastructure, logger: logger)]
        if configuration.mode != .http {
            services.append(Relay(
                infrastructure: infrastructure, interval: configuration.relayInterval,
                batchSize: configuration.relayBatchSize, logger: logger))
            services.append(ParkedIntakeRelease(
                parked: ParkedRequestStore(database: infrastructure.database, logger: logger),
                keys: stores.keys, intake: intake(stores: stores, configuration: configuration, logger: logger),
                maxBodySize: configuration.maxBodySize,
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
            let router = router(stores: stores, configuration: configuration, logger: logger)
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
}
