import HeraldBus
import HeraldServer
import HeraldStore
import HeraldWorkers
import Logging

await ProcessRuntime.main("herald-renderer") {
    if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
        print("""
            herald-renderer: renders queued messages from herald.render and publishes their send jobs.
            Environment: HERALD_DATABASE_URL, HERALD_AMQP_URL, HERALD_PREFETCH (20 jobs of up to 50 messages), HERALD_CONCURRENCY (2 batches),
            HERALD_RETRY_DELAYS_MS, HERALD_DELIVERY_LIMIT, HERALD_DATABASE_CONNECTIONS (10),
            HERALD_SMS_MAX_SEGMENTS (10: longer SMS texts fail), HERALD_RENDER_MAX_BYTES (1048576), HERALD_METRICS_ADDRESS (127.0.0.1:9101), HERALD_LOG_FORMAT (text | json), LOG_LEVEL.
            """)
        return
    }
    _ = ProcessRuntime.bootstrap()
    let logger = Logger(label: "herald-renderer")
    let configuration = try WorkerConfiguration()
    let infrastructure = try await Infrastructure.connect(
        environment: Environment(), processName: "herald-renderer",
        databaseConnections: configuration.databaseConnections, logger: logger)
    try await configuration.topology.verify(on: infrastructure.bus, stages: [.render])
    let worker = RenderWorker(
        infrastructure: infrastructure, topology: configuration.topology,
        maxSMSSegments: try Environment().int("HERALD_SMS_MAX_SEGMENTS", default: 10),
        maxBytes: try Environment().int("HERALD_RENDER_MAX_BYTES", default: 1 << 20), logger: logger)
    let consumer = StageConsumer(
        bus: infrastructure.bus, stage: .render, prefetch: configuration.prefetch,
        concurrency: configuration.concurrency, logger: logger, handle: worker.handle)
    let metrics = try ObservabilityServer.service("herald-renderer", infrastructure, logger: logger)
    try await ProcessRuntime.run([infrastructure.database, infrastructure.bus, metrics, consumer], logger: logger)
}
