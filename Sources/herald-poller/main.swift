import HeraldProviders
import HeraldServer
import HeraldStore
import HeraldWorkers
import Logging

await ProcessRuntime.main("herald-poller") {
    if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
        print("""
            herald-poller: asks Tyntec for the delivery state of sent SMS and records delivered / undeliverable.
            Replicas share the work through leased batches (FOR UPDATE SKIP LOCKED).
            Environment: HERALD_DATABASE_URL, HERALD_TYNTEC_URL, HERALD_TYNTEC_API_KEY (required),
            HERALD_POLL_DELAYS_MS (2000,5000,10000,30000,60000,300000,900000,3600000: waits between polls, the last
            repeats), HERALD_POLL_BATCH (500), HERALD_POLL_CONCURRENCY (64), HERALD_POLL_LEASE_SECONDS (60),
            HERALD_TYNTEC_CONNECTIONS (32), HERALD_TYNTEC_TIMEOUT_SECONDS (10), HERALD_METRICS_ADDRESS (127.0.0.1:9104), HERALD_LOG_FORMAT (text | json), LOG_LEVEL.
            """)
        return
    }
    _ = ProcessRuntime.bootstrap()
    let logger = Logger(label: "herald-poller")
    let sms = try SMSConfiguration()
    let database = try await Infrastructure.database(environment: Environment(), connections: 4, logger: logger)
    let client = TyntecClient(configuration: sms.tyntec)
    let poller = StatusPoller(
        polls: SMSPollRepository(database: database, logger: logger), client: client, configuration: sms.poller,
        logger: logger)
    logger.info("polling \(sms.tyntec)")
    let metrics = try ObservabilityServer.service(
        process: "herald-poller", environment: Environment(), database: database, bus: nil, logger: logger)
    try await ProcessRuntime.run([database, metrics, poller], logger: logger)
    try await client.shutdown()
}
