import HeraldBus
import HeraldProviders
import HeraldServer
import HeraldStore
import HeraldWorkers
import Logging

await ProcessRuntime.main("herald-email") {
    if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
        print("""
            herald-email: sends rendered emails from herald.send.email over SMTP (libcurl).
            Environment: HERALD_DATABASE_URL, HERALD_AMQP_URL, HERALD_SMTP_URL (smtp://127.0.0.1:2525, the sandbox),
            HERALD_SMTP_FROM, HERALD_SMTP_TLS (required | opportunistic | none), HERALD_SMTP_CA_FILE,
            HERALD_SMTP_CONNECTIONS (8), HERALD_SMTP_TIMEOUT_SECONDS (30), HERALD_PREFETCH, HERALD_CONCURRENCY,
            HERALD_RETRY_DELAYS_MS, HERALD_DELIVERY_LIMIT, HERALD_SEND_SLICE (16), HERALD_METRICS_ADDRESS (127.0.0.1:9102), HERALD_LOG_FORMAT (text | json), LOG_LEVEL.
            """)
        return
    }
    _ = ProcessRuntime.bootstrap()
    let logger = Logger(label: "herald-email")
    let configuration = try WorkerConfiguration()
    let email = try EmailConfiguration()
    let infrastructure = try await Infrastructure.connect(
        environment: Environment(), processName: "herald-email",
        databaseConnections: configuration.databaseConnections, logger: logger)
    try infrastructure.recovery.requireSendingTimeout(longerThan: email.smtp.timeout, setting: "HERALD_SMTP_TIMEOUT_SECONDS")
    let sender = try SMTPSender(configuration: email.smtp)
    try await configuration.topology.verify(on: infrastructure.bus, stages: [.sendEmail])
    let worker = SendWorker(
        channel: .email, infrastructure: infrastructure, sender: EmailChannel(provider: sender, from: email.from),
        topology: configuration.topology, slice: configuration.sendSlice, logger: logger)
    let consumer = StageConsumer(
        bus: infrastructure.bus, stage: .sendEmail, prefetch: configuration.prefetch,
        concurrency: configuration.concurrency, logger: logger, handle: worker.handle)
    logger.info("sending through \(email.smtp)")
    let metrics = try ObservabilityServer.service("herald-email", infrastructure, logger: logger)
    try await ProcessRuntime.run([infrastructure.database, infrastructure.bus, metrics, consumer], logger: logger)
    try await sender.shutdown()
}
