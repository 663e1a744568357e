import ArgumentParser

/// What every Herald process reads: where its database and broker are, its metrics address and how it logs.
public struct ProcessOptions: OptionSource {
    @Option(name: .customLong("database-url"), help: setting("HERALD_DATABASE_URL", "PostgreSQL URL", default: Environment.defaultDatabaseURL))
    var databaseURL: String?
    @Option(name: .customLong("database-connections"), help: setting("HERALD_DATABASE_CONNECTIONS", "Database connections in the pool", default: "20 api, 10 workers, 4 poller and digest"))
    var databaseConnections: String?
    @Option(name: .customLong("amqp-url"), help: setting("HERALD_AMQP_URL", "RabbitMQ URL", default: Environment.defaultAMQPURL))
    var amqpURL: String?
    @Option(name: .customLong("metrics-address"), help: setting("HERALD_METRICS_ADDRESS", "host:port of /metrics, /healthz and /readyz", default: "127.0.0.1:9100 api, 9101 renderer, 9102 email, 9103 sms, 9104 poller, 9105 digest, 9106 callbacks"))
    var metricsAddress: String?
    @Option(name: .customLong("log-format"), help: setting("HERALD_LOG_FORMAT", "text or json (one object per line)", default: "text"))
    var logFormat: String?
    @Option(name: .customLong("log-level"), help: setting("LOG_LEVEL", "trace, debug, info, notice, warning, error or critical", default: "info"))
    var logLevel: String?

    public init() {}

    public var values: [String: String?] {
        [
            "HERALD_DATABASE_URL": databaseURL, "HERALD_DATABASE_CONNECTIONS": databaseConnections,
            "HERALD_AMQP_URL": amqpURL, "HERALD_METRICS_ADDRESS": metricsAddress, "HERALD_LOG_FORMAT": logFormat,
            "LOG_LEVEL": logLevel,
        ]
    }
}
