import HeraldBus
import HeraldProviders
import HeraldServer
import HeraldStore
import HeraldWorkers
import Logging

await ProcessRuntime.main("herald-sms") {
    if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
        print("""
            herald-sms: sends rendered SMS from herald.send.sms through Tyntec's SMS API and stores each requestId.
            Environment: HERALD_DATABASE_URL, HERALD_AMQP_URL, HERALD_TYNTEC_URL (https://api.tyntec.com),
            HERALD_TYNTEC_API_KEY (required), HERALD_SMS_FROM (Herald: a number or up to 11 letters and digits),
            HERALD_SMS_VALIDITY_MINUTES (2880), HERALD_TYNTEC_CONNECTIONS (32), HERALD_TYNTEC_TIMEOUT_SECONDS (10),
            HERALD_POLL_DELAYS_MS (first poll after sending), HERALD_PREFETCH, HERALD_CONCURRENCY,
            HERALD_RETRY_DELAYS_MS, HERALD_DELIVERY_LIMIT, HERALD_SEND_SLICE (16), HERALD_METRICS_ADDRESS (127.0.0.1:9103), HERALD_LOG_FORMAT (text | json), LOG_LEVEL.
            """)
        return
    }
    _ = ProcessRuntime.bootstrap()
    let logger = Logger(label: "herald-sms")
    let configuration = try WorkerConfiguration()
    let sms = try SMSConfiguration()
    let infrastructure = try await Infrastructure.connect(
        environment: Environment(), processName: "herald-sms",
        databaseConnections: configuration.databaseConnections, logger: logger)
    try infrastructure.recovery.requireSendingTimeout(
        longerThan: sms.tyntec.timeout + .seconds(5), setting: "HERALD_TYNTEC_TIMEOUT_SECONDS (plus 5 s to connect)")
    let client = TyntecClient(configuration: sms.tyntec)
    try await configuration.topology.verify(on: infrastructure.bus, stages: [.sendSMS])
    let worker = SendWorker(
        channel: .sms, infrastructure: infrastructure, sender: SMSChannel(client: client, from: sms.from),
        polling: sms.polling, topology: configuration.topology, slice: configuration.sendSlice, logger: logger)
    let consumer = StageConsumer(
        bus: infrastructure.bus, stage: .sendSMS, prefetch: configuration.prefetch,
        concurrency: configuration.concurrency, logger: logger, handle: worker.handle)
    logger.info("sending through \(sms.tyntec)")
    let metrics = try ObservabilityServer.service("herald-sms", infrastructure, logger: logger)
    try await ProcessRuntime.run([infrastructure.database, infrastructure.bus, metrics, consumer], logger: logger)
    try await client.shutdown()
}
