import ArgumentParser

/// The broker topology a worker checks at start (and `herald ctl topology` declares).
public struct TopologyOptions: OptionSource {
    @Option(name: .customLong("retry-delays-ms"), help: setting("HERALD_RETRY_DELAYS_MS", "Wait before each retry, comma-separated", default: "1000,5000,30000,120000,600000"))
    var retryDelays: String?
    @Option(name: .customLong("delivery-limit"), help: setting("HERALD_DELIVERY_LIMIT", "Deliveries of one job before the broker dead-letters it", default: "10"))
    var deliveryLimit: String?

    public init() {}

    public var values: [String: String?] {
        ["HERALD_RETRY_DELAYS_MS": retryDelays, "HERALD_DELIVERY_LIMIT": deliveryLimit]
    }
}

/// The deadlines of the states jobs own, which the sweeper enforces.
public struct RecoveryOptions: OptionSource {
    @Option(name: .customLong("relay-grace-ms"), help: setting("HERALD_RELAY_GRACE_MS", "Wait for a publication's confirm before the sweeper publishes it again", default: "5000"))
    var relayGrace: String?
    @Option(name: .customLong("job-timeout-seconds"), help: setting("HERALD_JOB_TIMEOUT_SECONDS", "A job's messages still queued or rendered after this are published again", default: "900"))
    var jobTimeout: String?
    @Option(name: .customLong("sending-timeout-seconds"), help: setting("HERALD_SENDING_TIMEOUT_SECONDS", "A message in sending longer than this is resolved by the stale-sending policy", default: "600"))
    var sendingTimeout: String?
    @Option(name: .customLong("stale-sending"), help: setting("HERALD_STALE_SENDING", "resend or fail", default: "resend"))
    var staleSending: String?
    @Option(name: .customLong("stall-seconds"), help: setting("HERALD_STALL_SECONDS", "A batch or round taking longer ends the process, to be restarted", default: "300"))
    var stall: String?

    public init() {}

    public var values: [String: String?] {
        [
            "HERALD_RELAY_GRACE_MS": relayGrace, "HERALD_JOB_TIMEOUT_SECONDS": jobTimeout,
            "HERALD_SENDING_TIMEOUT_SECONDS": sendingTimeout, "HERALD_STALE_SENDING": staleSending,
            "HERALD_STALL_SECONDS": stall,
        ]
    }
}

/// How a queue worker consumes its stage.
public struct ConsumerOptions: OptionSource {
    @Option(name: .customLong("prefetch"), help: setting("HERALD_PREFETCH", "Unacknowledged jobs the broker may hand this process", default: "20"))
    var prefetch: String?
    @Option(name: .customLong("concurrency"), help: setting("HERALD_CONCURRENCY", "Batches handled at once", default: "2"))
    var concurrency: String?
    @Option(name: .customLong("send-slice"), help: setting("HERALD_SEND_SLICE", "Senders: messages claimed at a time", default: "16"))
    var sendSlice: String?

    public init() {}

    public var values: [String: String?] {
        ["HERALD_PREFETCH": prefetch, "HERALD_CONCURRENCY": concurrency, "HERALD_SEND_SLICE": sendSlice]
    }
}
