import HeraldAPI
import HeraldServer
import Logging

await ProcessRuntime.main("herald-api") {
    if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
        print("""
            herald-api: the producer API (HTTP, /v1) and the relay that publishes scheduled and unconfirmed messages.
            Environment: HERALD_DATABASE_URL, HERALD_AMQP_URL, HERALD_API_ADDRESS (127.0.0.1:8080),
            HERALD_API_MODE (all | http | relay), HERALD_API_MAX_BODY_BYTES, HERALD_API_MAX_PROCEDURE_MESSAGES,
            HERALD_RELAY_INTERVAL_MS, HERALD_RELAY_GRACE_MS, HERALD_RELAY_BATCH, HERALD_DATABASE_CONNECTIONS, HERALD_SENDING_TIMEOUT_SECONDS (600), HERALD_STALE_SENDING (resend | fail), HERALD_JOB_TIMEOUT_SECONDS (900), HERALD_RETENTION_DAYS (7), HERALD_HISTORY_DAYS (90), HERALD_RETENTION_INTERVAL_SECONDS (60), HERALD_METRICS_ADDRESS (127.0.0.1:9100), HERALD_LOG_FORMAT (text | json), LOG_LEVEL.
            """)
        return
    }
    _ = ProcessRuntime.bootstrap()
    let logger = Logger(label: "herald-api")
    let configuration = try APIConfiguration()
    let infrastructure = try await Infrastructure.connect(
        environment: Environment(), processName: "herald-api", databaseConnections: configuration.databaseConnections,
        logger: logger)
    let metrics = try ObservabilityServer.service("herald-api", infrastructure, logger: logger)
    try await ProcessRuntime.run(
        [infrastructure.database, infrastructure.bus, metrics]
            + HeraldAPIService.services(infrastructure: infrastructure, configuration: configuration, logger: logger),
        logger: logger)
}
