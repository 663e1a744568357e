import ArgumentParser

/// What every Herald process reads: where its database and broker are, its metrics address and how it logs.
public struct ProcessOptions: OptionSource {
    @Option(name: .customLong("database-url"), help: setting("HERALD_DATABASE_URL", "PostgreSQL URL", default: Environment.defaultDatabaseURL))
    var databaseURL: String?
    @Option(name: .customLong("database-connections"), help: setting("HERALD_DATABASE_CONNECTIONS", "Database connections in the pool", default: "20 api, 10 workers, 4 poller and digest"))
    var databaseConnections: String?
    @Option(name: .customLong("amqp-url"), help: setting("HERALD_AMQP_URL", "RabbitMQ URL", default: Environment.defaultAMQPURL))
    var amqpURL: String?
    @Option(name: .customLong("database-ca-file"), help: setting("HERALD_DATABASE_CA_FILE", "CA certificate (PEM) that the database's certificate must verify against, with sslmode=verify-ca or verify-full", default: "the system's CAs"))
    var databaseCAFile: String?
    @Option(name: .customLong("amqp-ca-file"), help: setting("HERALD_AMQP_CA_FILE", "CA certificate (PEM) that the broker's certificate must verify against, for amqps://", default: "the system's CAs"))
    var amqpCAFile: String?
    @Option(name: .customLong("amqp-cert-file"), help: setting("HERALD_AMQP_CERT_FILE", "Client certificate (PEM) to present to the broker, with --amqp-key-file", default: "none"))
    var amqpCertFile: String?
    @Option(name: .customLong("amqp-key-file"), help: setting("HERALD_AMQP_KEY_FILE", "The client certificate's private key (PEM)", default: "none"))
    var amqpKeyFile: String?
    @Option(name: .customLong("metrics-address"), help: setting("HERALD_METRICS_ADDRESS", "host:port of /metrics, /healthz and /readyz", default: "127.0.0.1:9100 api, 9101 renderer, 9102 email, 9103 sms, 9104 poller, 9105 digest, 9106 callbacks, 9107 inbound"))
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
            "LOG_LEVEL": logLevel, "HERALD_DATABASE_CA_FILE": databaseCAFile, "HERALD_AMQP_CA_FILE": amqpCAFile,
            "HERALD_AMQP_CERT_FILE": amqpCertFile, "HERALD_AMQP_KEY_FILE": amqpKeyFile,
        ]
    }
}
