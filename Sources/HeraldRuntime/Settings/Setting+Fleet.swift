/// The fleet's settings: every variable any role reads, each declared here once.
extension Setting {
    private static let processes = Set(Role.processes)
    private static let pipeline: Set<Role> = [.api, .renderer, .email, .sms, .callbacks]
    private static let consumers: Set<Role> = [.renderer, .email, .sms, .callbacks]

    // MARK: Database, broker and process

    package static let databaseURL = Setting(
        "HERALD_DATABASE_URL",
        "PostgreSQL URL; ?sslmode=disable|prefer|require|verify-ca|verify-full as with libpq (prefer and require "
            + "encrypt without checking the certificate, verify-ca checks its chain, verify-full also the host name)",
        default: "postgres://herald:herald@127.0.0.1:5432/herald", group: .process, roles: processes.union([.ctl]))
    package static let databaseConnections = Setting(
        "HERALD_DATABASE_CONNECTIONS", "Database connections in the pool",
        default: "10", byRole: [.api: "20", .poller: "4", .digest: "4"], group: .process, roles: processes)
    package static let databaseCAFile = Setting(
        "HERALD_DATABASE_CA_FILE",
        "CA certificate (PEM) the database's certificate must verify against, with sslmode=verify-ca or verify-full",
        note: "the system's CAs", group: .process, roles: processes.union([.ctl]))
    package static let amqpURL = Setting(
        "HERALD_AMQP_URL",
        "RabbitMQ URL (amqps:// for TLS); a cluster as a comma-separated list, "
            + "amqp://u:p@mq1:5672/herald,mq2:5672,mq3:5672 (the later ones may be full URLs with the same user and vhost)",
        default: "amqp://herald:herald@127.0.0.1:5672/herald", group: .process, roles: processes.union([.ctl]))
    package static let amqpCAFile = Setting(
        "HERALD_AMQP_CA_FILE", "CA certificate (PEM) the broker's certificate must verify against (chain and host name), for amqps://",
        note: "the system's CAs", group: .process, roles: processes.union([.ctl]))
    package static let amqpCertFile = Setting(
        "HERALD_AMQP_CERT_FILE", "Client certificate (PEM) to present to the broker, with HERALD_AMQP_KEY_FILE",
        group: .process, roles: processes.union([.ctl]))
    package static let amqpKeyFile = Setting(
        "HERALD_AMQP_KEY_FILE", "The client certificate's private key (PEM)", group: .process, roles: processes.union([.ctl]))
    package static let metricsAddress = Setting(
        "HERALD_METRICS_ADDRESS", "host:port of /metrics, /healthz and /readyz (replicas on one host set their own)",
        default: "127.0.0.1:9100",
        byRole: [.api: "127.0.0.1:9100", .renderer: "127.0.0.1:9101", .email: "127.0.0.1:9102", .sms: "127.0.0.1:9103", .poller: "127.0.0.1:9104",
                 .digest: "127.0.0.1:9105", .callbacks: "127.0.0.1:9106", .inbound: "127.0.0.1:9107"],
        note: "127.0.0.1: 9100 api, 9101 renderer, 9102 email, 9103 sms, 9104 poller, 9105 digest, 9106 callbacks, 9107 inbound",
        group: .process, roles: processes)
    package static let logFormat = Setting(
        "HERALD_LOG_FORMAT", "text, or json (one object per line)", default: "text", group: .process, roles: processes)
    package static let logLevel = Setting(
        "LOG_LEVEL", "trace, debug, info, notice, warning, error or critical",
        default: "info", byRole: [.ctl: "warning"], group: .process, roles: processes.union([.ctl]))

    // MARK: Broker topology

    package static let retryDelays = Setting(
        "HERALD_RETRY_DELAYS_MS", "Wait before each retry, comma-separated: a delay queue each (herald ctl topology declares them)",
        default: "1000,5000,30000,120000,600000", group: .topology, roles: pipeline.union([.ctl]))
    package static let deliveryLimit = Setting(
        "HERALD_DELIVERY_LIMIT", "Deliveries of one job before the broker dead-letters it (must match herald ctl topology)",
        default: "10", group: .topology, roles: pipeline.union([.ctl]))

    // MARK: Recovery

    package static let relayGrace = Setting(
        "HERALD_RELAY_GRACE_MS", "Wait for a publication's confirm before the sweeper publishes it again",
        default: "5000", group: .recovery, roles: pipeline.union([.digest, .ctl]))
    package static let jobTimeout = Setting(
        "HERALD_JOB_TIMEOUT_SECONDS",
        "A job's messages still queued or rendered after this are published again (longer than the longest retry delay)",
        default: "900", group: .recovery, roles: pipeline.union([.digest, .ctl]))
    package static let sendingTimeout = Setting(
        "HERALD_SENDING_TIMEOUT_SECONDS",
        "A message in sending longer than this is resolved by HERALD_STALE_SENDING; a sender whose provider timeout is "
            + "not shorter refuses to start",
        default: "600", group: .recovery, roles: pipeline.union([.digest, .ctl]))
    package static let staleSending = Setting(
        "HERALD_STALE_SENDING", "resend or fail: what becomes of a message stuck in sending",
        default: "resend", group: .recovery, roles: pipeline.union([.digest, .ctl]))
    package static let stall = Setting(
        "HERALD_STALL_SECONDS",
        "A batch or round taking longer ends the process, to be restarted (raise it if a provider may take longer over a whole batch)",
        default: "300", group: .recovery, roles: pipeline.union([.digest, .ctl]))

    // MARK: Consuming

    package static let prefetch = Setting(
        "HERALD_PREFETCH", "Unacknowledged jobs (of up to 50 messages each) the broker may hand this process",
        default: "20", group: .consuming, roles: consumers)
    package static let concurrency = Setting(
        "HERALD_CONCURRENCY", "Batches (of up to 200 messages) handled at once", default: "2", group: .consuming, roles: consumers)
    package static let sendSlice = Setting(
        "HERALD_SEND_SLICE", "Messages a sender claims at a time", default: "16", group: .consuming, roles: consumers)

    // MARK: API, relay and retention

    package static let apiAddress = Setting(
        "HERALD_API_ADDRESS", "host:port of the HTTP API", default: "127.0.0.1:8080", group: .api, roles: [.api])
    package static let apiMode = Setting(
        "HERALD_API_MODE", "all, http (the API only) or relay (the relay, sweeper and retention only)",
        default: "all", group: .api, roles: [.api])
    package static let apiMaxBodyBytes = Setting(
        "HERALD_API_MAX_BODY_BYTES", "Largest request body (also of requests from herald.intake)",
        default: "4194304", group: .api, roles: [.api])
    package static let apiMaxProcedureMessages = Setting(
        "HERALD_API_MAX_PROCEDURE_MESSAGES", "Messages in one procedure", default: "1000", group: .api, roles: [.api])
    package static let intakeConcurrency = Setting(
        "HERALD_INTAKE_CONCURRENCY", "Requests from herald.intake handled at once (0: this replica does not consume it)",
        default: "8", group: .api, roles: [.api])
    package static let retryInterval = Setting(
        "HERALD_RETRY_INTERVAL_SECONDS",
        "Least time between two client retries of one message (409 retried-recently sooner); a retry also takes from the rate limit",
        default: "60", group: .api, roles: [.api])
    package static let relayInterval = Setting(
        "HERALD_RELAY_INTERVAL_MS", "Pause between relay passes with nothing due", default: "1000", group: .api, roles: [.api])
    package static let relayBatch = Setting(
        "HERALD_RELAY_BATCH", "Rows per relay pass", default: "1000", group: .api, roles: [.api])
    package static let retentionDays = Setting(
        "HERALD_RETENTION_DAYS", "Days a final message keeps its personal data (and a refused intake request is kept)",
        default: "7", group: .api, roles: [.api, .ctl])
    package static let historyDays = Setting(
        "HERALD_HISTORY_DAYS", "Days a message's row is kept (at least HERALD_RETENTION_DAYS)",
        default: "90", group: .api, roles: [.api])
    package static let retentionInterval = Setting(
        "HERALD_RETENTION_INTERVAL_SECONDS", "Pause between retention passes", default: "60", group: .api, roles: [.api])
    package static let defaultLocale = Setting(
        "HERALD_DEFAULT_LOCALE", "Locale templates fall back to for tenants that set none", default: "en",
        group: .api, roles: [.api, .digest])
    package static let callbackAllowedNetworks = Setting(
        "HERALD_CALLBACK_ALLOWED_NETWORKS", "Non-public networks (CIDR, comma-separated) callback URLs may reach, e.g. 127.0.0.0/8",
        group: .api, roles: [.api, .callbacks])
    package static let tyntecInboundToken = Setting(
        "HERALD_TYNTEC_INBOUND_TOKEN",
        "The secret token of the URL Tyntec POSTs inbound SMS to, /v1/providers/tyntec/inbound/TOKEN (16 or more letters, digits, - or _)",
        note: "none: inbound SMS are refused", group: .api, roles: [.api])
    package static let smsStopWords = Setting(
        "HERALD_SMS_STOP_WORDS",
        "Stop words beyond STOP, ARRET, CANCEL, END, OPTOUT, QUIT, REMOVE, UNSUBSCRIBE, STOPALL (comma-separated, e.g. NIE)",
        group: .api, roles: [.api])
    package static let smsStartWords = Setting(
        "HERALD_SMS_START_WORDS", "Start words beyond START, UNSTOP (comma-separated)", group: .api, roles: [.api])
    package static let receiptGrace = Setting(
        "HERALD_RECEIPT_GRACE_SECONDS",
        "With reports pushed, how long a sent SMS (or one reported BUFFERED) waits for a report before the poller asks Tyntec",
        default: "600", group: .api, roles: [.api, .sms])

    // MARK: Public links and tokens

    package static let publicURL = Setting(
        "HERALD_PUBLIC_URL",
        "Where herald-api is reached from outside: each SMS asks Tyntec to push its reports to PUBLIC_URL/v1/providers/tyntec/reports/TOKEN, "
            + "and emails of unsubscribe templates link to PUBLIC_URL/u/TOKEN (List-Unsubscribe, {{unsubscribe_url}}); needs HERALD_TOKEN_SECRET",
        note: "none: delivery states are polled, List-Unsubscribe has the mailto only", group: .links,
        roles: [.email, .sms, .renderer])
    package static let tokenSecret = Setting(
        "HERALD_TOKEN_SECRET",
        "Key (32 or more characters, the same on every process) that signs and checks the tokens of report URLs, bounce "
            + "addresses and unsubscribe links",
        note: "none: reports and unsubscribe links are refused (404); required with HERALD_PUBLIC_URL or HERALD_BOUNCE_DOMAIN",
        group: .links, roles: [.api, .email, .sms, .renderer, .inbound])
    package static let bounceDomain = Setting(
        "HERALD_BOUNCE_DOMAIN",
        "Domain whose MX is herald-inbound: each email's envelope sender is a signed address there, so bounces and "
            + "complaints come back; the only domain herald-inbound accepts (required there)",
        note: "none: the envelope sender is the From address, and nothing comes back", group: .links, roles: [.email, .inbound])

    // MARK: Rendering

    package static let smsMaxSegments = Setting(
        "HERALD_SMS_MAX_SEGMENTS", "SMS texts needing more parts fail", default: "10", group: .rendering, roles: [.renderer, .api])
    package static let renderMaxBytes = Setting(
        "HERALD_RENDER_MAX_BYTES", "Largest rendered part", default: "1048576", group: .rendering, roles: [.renderer, .api])
    package static let smsTransliterate = Setting(
        "HERALD_SMS_TRANSLITERATE",
        "on: typographic quotes, dashes, ellipses and unusual spaces in SMS become their GSM-7 look-alikes, so one curly "
            + "quote does not halve a part; off: sent as written",
        default: "on", group: .rendering, roles: [.renderer, .api])

    // MARK: SMTP

    package static let smtpURL = Setting(
        "HERALD_SMTP_URL", "smtp://[user:password@]host:port or smtps://", default: "smtp://127.0.0.1:2525",
        note: "smtp://127.0.0.1:2525, the sandbox", group: .smtp, roles: [.email])
    package static let smtpFrom = Setting(
        "HERALD_SMTP_FROM", "Sender mailbox of tenants that set none", default: "Herald <herald@herald.localhost>",
        group: .smtp, roles: [.email])
    package static let smtpTLS = Setting(
        "HERALD_SMTP_TLS",
        "required, opportunistic or none; with a user and password only required (a server that offers no STARTTLS "
            + "gets neither AUTH nor mail); smtps:// is always TLS",
        note: "required for smtps:// or with a user and password, else opportunistic", group: .smtp, roles: [.email])
    package static let smtpCAFile = Setting(
        "HERALD_SMTP_CA_FILE", "CA certificates to verify the SMTP server with", note: "the system's", group: .smtp, roles: [.email])
    package static let smtpConnections = Setting(
        "HERALD_SMTP_CONNECTIONS", "SMTP sessions at once, each kept open", default: "8", group: .smtp, roles: [.email])
    package static let smtpTimeout = Setting(
        "HERALD_SMTP_TIMEOUT_SECONDS", "Longest one submission may take", default: "30", group: .smtp, roles: [.email])

    // MARK: Tyntec

    package static let tyntecURL = Setting(
        "HERALD_TYNTEC_URL", "Tyntec API base URL", default: "https://api.tyntec.com", group: .tyntec, roles: [.sms, .poller])
    package static let tyntecAPIKey = Setting(
        "HERALD_TYNTEC_API_KEY", "The key Tyntec issued for the account", note: "none: required", group: .tyntec,
        roles: [.sms, .poller])
    package static let tyntecConnections = Setting(
        "HERALD_TYNTEC_CONNECTIONS", "HTTP connections to Tyntec at once", default: "32", group: .tyntec, roles: [.sms, .poller])
    package static let tyntecTimeout = Setting(
        "HERALD_TYNTEC_TIMEOUT_SECONDS", "Longest wait for Tyntec's answer", default: "10", group: .tyntec, roles: [.sms, .poller])
    package static let smsFrom = Setting(
        "HERALD_SMS_FROM", "Default sender id: a number, or 1 to 11 letters and digits with at least one letter",
        default: "Herald", group: .tyntec, roles: [.sms, .poller])
    package static let smsValidity = Setting(
        "HERALD_SMS_VALIDITY_MINUTES", "How long Tyntec tries to deliver (the poller gives up after it)",
        default: "2880", group: .tyntec, roles: [.sms, .poller])
    package static let pollDelays = Setting(
        "HERALD_POLL_DELAYS_MS", "Waits between delivery-status polls, comma-separated (the last repeats)",
        default: "2000,5000,10000,30000,60000,300000,900000,3600000", group: .tyntec, roles: [.sms, .poller])

    // MARK: Polling

    package static let pollBatch = Setting(
        "HERALD_POLL_BATCH", "Due polls leased at a time", default: "500", group: .polling, roles: [.poller])
    package static let pollConcurrency = Setting(
        "HERALD_POLL_CONCURRENCY", "Polls in flight at once", default: "64", group: .polling, roles: [.poller])
    package static let pollLease = Setting(
        "HERALD_POLL_LEASE_SECONDS", "How long a leased batch is this replica's", default: "60", group: .polling, roles: [.poller])

    // MARK: Digests

    package static let digestTemplate = Setting(
        "HERALD_DIGEST_TEMPLATE",
        "Template of email digests (it sees items with subject, text, html, category, at; count; window_start, window_end; recipient)",
        default: "digest", group: .digests, roles: [.digest])
    package static let digestSMSTemplate = Setting(
        "HERALD_DIGEST_SMS_TEMPLATE", "Template of SMS digests", default: "digest-sms", group: .digests, roles: [.digest])
    package static let digestInterval = Setting(
        "HERALD_DIGEST_INTERVAL_SECONDS", "Pause between passes with nothing due", default: "5", group: .digests, roles: [.digest])
    package static let digestBatch = Setting(
        "HERALD_DIGEST_BATCH", "Recipients per transaction", default: "500", group: .digests, roles: [.digest])

    // MARK: Callbacks

    package static let callbackTimeout = Setting(
        "HERALD_CALLBACK_TIMEOUT_MS", "A receiver's time to answer", default: "5000", group: .callbacks, roles: [.callbacks])
    package static let callbackConnections = Setting(
        "HERALD_CALLBACK_CONNECTIONS", "Keep-alive connections per receiver host", default: "32", group: .callbacks,
        roles: [.callbacks])
    package static let callbackParallelism = Setting(
        "HERALD_CALLBACK_PARALLELISM", "Callbacks in flight, all receivers together", default: "128", group: .callbacks,
        roles: [.callbacks])
    package static let callbackReceiverParallelism = Setting(
        "HERALD_CALLBACK_RECEIVER_PARALLELISM", "Callbacks in flight to one tenant's receiver", default: "64",
        group: .callbacks, roles: [.callbacks])
    package static let callbackBreakerFailures = Setting(
        "HERALD_CALLBACK_BREAKER_FAILURES", "Failures in a row that back a receiver off", default: "5", group: .callbacks,
        roles: [.callbacks])
    package static let callbackBreakerMaxSeconds = Setting(
        "HERALD_CALLBACK_BREAKER_MAX_SECONDS", "Longest back-off of a failing receiver (it doubles from 1 s)", default: "60",
        group: .callbacks, roles: [.callbacks])
    package static let callbackRelayInterval = Setting(
        "HERALD_CALLBACK_RELAY_INTERVAL_MS", "Pause between callback relay passes with nothing due", default: "200",
        group: .callbacks, roles: [.callbacks])
    package static let callbackRelayBatch = Setting(
        "HERALD_CALLBACK_RELAY_BATCH", "Callbacks published per relay pass", default: "1000", group: .callbacks,
        roles: [.callbacks])

    // MARK: Inbound SMTP

    package static let inboundSMTPAddress = Setting(
        "HERALD_INBOUND_SMTP_ADDRESS", "host:port herald-inbound listens on for SMTP (the bounce domain's MX relays to it)",
        default: "127.0.0.1:2526", group: .inbound, roles: [.inbound])
    package static let inboundMaxBytes = Setting(
        "HERALD_INBOUND_MAX_BYTES", "Largest mail herald-inbound takes (552 beyond; at least 1024)", default: "2097152",
        group: .inbound, roles: [.inbound])
    package static let hardBounceSuppressionDays = Setting(
        "HERALD_HARD_BOUNCE_SUPPRESSION_DAYS", "How long a hard bounce suppresses its address; 0: for good", default: "90",
        group: .inbound, roles: [.inbound])

    /// Every setting, in the order `--help` and the README list them.
    package static let all: [Setting] = [
        databaseURL, databaseConnections, databaseCAFile, amqpURL, amqpCAFile, amqpCertFile, amqpKeyFile, metricsAddress,
        logFormat, logLevel,
        retryDelays, deliveryLimit,
        relayGrace, jobTimeout, sendingTimeout, staleSending, stall,
        prefetch, concurrency, sendSlice,
        apiAddress, apiMode, apiMaxBodyBytes, apiMaxProcedureMessages, intakeConcurrency, retryInterval, relayInterval,
        relayBatch, retentionDays, historyDays, retentionInterval, defaultLocale, callbackAllowedNetworks, tyntecInboundToken,
        smsStopWords, smsStartWords, receiptGrace,
        publicURL, tokenSecret, bounceDomain,
        smsMaxSegments, renderMaxBytes, smsTransliterate,
        smtpURL, smtpFrom, smtpTLS, smtpCAFile, smtpConnections, smtpTimeout,
        tyntecURL, tyntecAPIKey, tyntecConnections, tyntecTimeout, smsFrom, smsValidity, pollDelays,
        pollBatch, pollConcurrency, pollLease,
        digestTemplate, digestSMSTemplate, digestInterval, digestBatch,
        callbackTimeout, callbackConnections, callbackParallelism, callbackReceiverParallelism, callbackBreakerFailures,
        callbackBreakerMaxSeconds, callbackRelayInterval, callbackRelayBatch,
        inboundSMTPAddress, inboundMaxBytes, hardBounceSuppressionDays,
    ]

    /// The settings `role` reads, in table order.
    package static func of(_ role: Role) -> [Setting] { all.filter { $0.roles.contains(role) } }

    /// The setting `--option` stands for.
    package static func named(option: String) -> Setting? { all.first { $0.option == option } }
}
