import HeraldServer
import HeraldStore
import HeraldWorkers
import Logging

await ProcessRuntime.main("herald-digest") {
    if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
        print("""
            herald-digest: gathers deferred notifications whose recipient's window has closed into one digest message
            each (or sends a lone one as itself) and queues them for the renderer. Replicas share the work safely.
            Environment: HERALD_DATABASE_URL, HERALD_AMQP_URL, HERALD_DIGEST_TEMPLATE (digest), HERALD_DIGEST_SMS_TEMPLATE
            (digest-sms), HERALD_DIGEST_INTERVAL_SECONDS (5), HERALD_DIGEST_BATCH (500 recipients), HERALD_METRICS_ADDRESS (127.0.0.1:9105), HERALD_LOG_FORMAT (text | json), LOG_LEVEL.
            """)
        return
    }
    _ = ProcessRuntime.bootstrap()
    let logger = Logger(label: "herald-digest")
    let environment = Environment()
    let configuration = DigestConfiguration(
        emailTemplate: try environment.string("HERALD_DIGEST_TEMPLATE", default: "digest"),
        smsTemplate: try environment.string("HERALD_DIGEST_SMS_TEMPLATE", default: "digest-sms"),
        interval: .seconds(try environment.int("HERALD_DIGEST_INTERVAL_SECONDS", default: 5)),
        batchSize: try environment.int("HERALD_DIGEST_BATCH", default: 500))
    let infrastructure = try await Infrastructure.connect(
        environment: environment, processName: "herald-digest", databaseConnections: 4, logger: logger)
    let aggregator = DigestAggregator(
        digests: DigestRepository(database: infrastructure.database, logger: logger),
        templates: TemplateRepository(database: infrastructure.database, logger: logger),
        publisher: infrastructure.publisher(logger: logger), configuration: configuration, logger: logger)
    let metrics = try ObservabilityServer.service("herald-digest", infrastructure, logger: logger)
    try await ProcessRuntime.run([infrastructure.database, infrastructure.bus, metrics, aggregator], logger: logger)
}
