import ArgumentParser

/// `herald-renderer`'s limits.
public struct RendererOptions: OptionSource {
    @Option(name: .customLong("sms-max-segments"), help: setting("HERALD_SMS_MAX_SEGMENTS", "Longer SMS texts fail", default: "10"))
    var smsMaxSegments: String?
    @Option(name: .customLong("render-max-bytes"), help: setting("HERALD_RENDER_MAX_BYTES", "Largest rendered part", default: "1048576"))
    var renderMaxBytes: String?
    @Option(name: .customLong("sms-transliterate"), help: setting("HERALD_SMS_TRANSLITERATE", "on: typographic quotes, dashes, ellipses and odd spaces in SMS become their GSM-7 look-alikes, so one curly quote does not halve a part; off: sent as written", default: "on"))
    var smsTransliterate: String?

    public init() {}

    public var values: [String: String?] {
        ["HERALD_SMS_MAX_SEGMENTS": smsMaxSegments, "HERALD_RENDER_MAX_BYTES": renderMaxBytes,
         "HERALD_SMS_TRANSLITERATE": smsTransliterate]
    }
}

/// `herald-digest`'s templates and pace.
public struct DigestOptions: OptionSource {
    @Option(name: .customLong("digest-template"), help: setting("HERALD_DIGEST_TEMPLATE", "Template of email digests", default: "digest"))
    var template: String?
    @Option(name: .customLong("digest-sms-template"), help: setting("HERALD_DIGEST_SMS_TEMPLATE", "Template of SMS digests", default: "digest-sms"))
    var smsTemplate: String?
    @Option(name: .customLong("digest-interval-seconds"), help: setting("HERALD_DIGEST_INTERVAL_SECONDS", "Pause between passes with nothing due", default: "5"))
    var interval: String?
    @Option(name: .customLong("digest-batch"), help: setting("HERALD_DIGEST_BATCH", "Recipients per transaction", default: "500"))
    var batch: String?
    @Option(name: .customLong("default-locale"), help: setting("HERALD_DEFAULT_LOCALE", "Locale a template falls back to (a tenant may set its own)", default: "en"))
    var defaultLocale: String?

    public init() {}

    public var values: [String: String?] {
        [
            "HERALD_DIGEST_TEMPLATE": template, "HERALD_DIGEST_SMS_TEMPLATE": smsTemplate,
            "HERALD_DIGEST_INTERVAL_SECONDS": interval, "HERALD_DIGEST_BATCH": batch, "HERALD_DEFAULT_LOCALE": defaultLocale,
        ]
    }
}

/// `herald-api`'s HTTP server, relay and retention.
public struct APIOptions: OptionSource {
    @Option(name: .customLong("api-address"), help: setting("HERALD_API_ADDRESS", "host:port of the HTTP API", default: "127.0.0.1:8080"))
    var address: String?
    @Option(name: .customLong("api-mode"), help: setting("HERALD_API_MODE", "all, http or relay", default: "all"))
    var mode: String?
    @Option(name: .customLong("api-max-body-bytes"), help: setting("HERALD_API_MAX_BODY_BYTES", "Largest request body", default: "4194304"))
    var maxBodyBytes: String?
    @Option(name: .customLong("api-max-procedure-messages"), help: setting("HERALD_API_MAX_PROCEDURE_MESSAGES", "Messages in one procedure", default: "1000"))
    var maxProcedureMessages: String?
    @Option(name: .customLong("relay-interval-ms"), help: setting("HERALD_RELAY_INTERVAL_MS", "Pause between relay passes with nothing due", default: "1000"))
    var relayInterval: String?
    @Option(name: .customLong("relay-batch"), help: setting("HERALD_RELAY_BATCH", "Rows per relay pass", default: "1000"))
    var relayBatch: String?
    @Option(name: .customLong("retention-days"), help: setting("HERALD_RETENTION_DAYS", "Days a final message keeps its personal data", default: "7"))
    var retentionDays: String?
    @Option(name: .customLong("history-days"), help: setting("HERALD_HISTORY_DAYS", "Days a message's row is kept", default: "90"))
    var historyDays: String?
    @Option(name: .customLong("retention-interval-seconds"), help: setting("HERALD_RETENTION_INTERVAL_SECONDS", "Pause between retention passes", default: "60"))
    var retentionInterval: String?
    @Option(name: .customLong("default-locale"), help: setting("HERALD_DEFAULT_LOCALE", "Locale a template falls back to (a tenant may set its own)", default: "en"))
    var defaultLocale: String?
    @Option(name: .customLong("intake-concurrency"), help: setting("HERALD_INTAKE_CONCURRENCY", "Requests from herald.intake handled at once (0: this replica does not consume it)", default: "8"))
    var intakeConcurrency: String?
    @Option(name: .customLong("retry-interval-seconds"), help: setting("HERALD_RETRY_INTERVAL_SECONDS", "Least time between two client retries of one message", default: "60"))
    var retryInterval: String?
    @Option(name: .customLong("callback-allowed-networks"), help: setting("HERALD_CALLBACK_ALLOWED_NETWORKS", "Non-public networks (CIDR, comma-separated) that callback URLs may reach", default: "none"))
    var callbackAllowedNetworks: String?
    @Option(name: .customLong("tyntec-inbound-token"), help: setting("HERALD_TYNTEC_INBOUND_TOKEN", "The secret path token of the URL Tyntec POSTs inbound SMS to (/v1/providers/tyntec/inbound/TOKEN; at least 16 characters)", default: "none: inbound SMS are refused"))
    var tyntecInboundToken: String?
    @Option(name: .customLong("sms-stop-words"), help: setting("HERALD_SMS_STOP_WORDS", "Stop words beyond STOP, ARRET, CANCEL, END, OPTOUT, QUIT, REMOVE, UNSUBSCRIBE, STOPALL (comma-separated)", default: "none"))
    var smsStopWords: String?
    @Option(name: .customLong("sms-start-words"), help: setting("HERALD_SMS_START_WORDS", "Start words beyond START, UNSTOP (comma-separated)", default: "none"))
    var smsStartWords: String?
    @Option(name: .customLong("token-secret"), help: setting("HERALD_TOKEN_SECRET", "Key (at least 32 characters) that checks the tokens of Tyntec's report URLs; the same as herald-sms's", default: "none: delivery reports are refused"))
    var tokenSecret: String?
    @Option(name: .customLong("receipt-grace-seconds"), help: setting("HERALD_RECEIPT_GRACE_SECONDS", "How long past a BUFFERED report the poller leaves a message alone", default: "600"))
    var receiptGrace: String?

    public init() {}

    public var values: [String: String?] {
        [
            "HERALD_API_ADDRESS": address, "HERALD_API_MODE": mode, "HERALD_API_MAX_BODY_BYTES": maxBodyBytes,
            "HERALD_API_MAX_PROCEDURE_MESSAGES": maxProcedureMessages, "HERALD_RELAY_INTERVAL_MS": relayInterval,
            "HERALD_RELAY_BATCH": relayBatch, "HERALD_RETENTION_DAYS": retentionDays, "HERALD_HISTORY_DAYS": historyDays,
            "HERALD_RETENTION_INTERVAL_SECONDS": retentionInterval, "HERALD_DEFAULT_LOCALE": defaultLocale,
            "HERALD_INTAKE_CONCURRENCY": intakeConcurrency, "HERALD_RETRY_INTERVAL_SECONDS": retryInterval,
            "HERALD_CALLBACK_ALLOWED_NETWORKS": callbackAllowedNetworks, "HERALD_TYNTEC_INBOUND_TOKEN": tyntecInboundToken,
            "HERALD_SMS_STOP_WORDS": smsStopWords, "HERALD_SMS_START_WORDS": smsStartWords,
            "HERALD_TOKEN_SECRET": tokenSecret, "HERALD_RECEIPT_GRACE_SECONDS": receiptGrace,
        ]
    }
}

/// `herald-callbacks`' receivers and pace.
public struct CallbackOptions: OptionSource {
    @Option(name: .customLong("callback-timeout-ms"), help: setting("HERALD_CALLBACK_TIMEOUT_MS", "A receiver's time to answer", default: "5000"))
    var timeout: String?
    @Option(name: .customLong("callback-connections"), help: setting("HERALD_CALLBACK_CONNECTIONS", "Keep-alive connections per receiver host", default: "32"))
    var connections: String?
    @Option(name: .customLong("callback-parallelism"), help: setting("HERALD_CALLBACK_PARALLELISM", "Callbacks in flight, all receivers together", default: "128"))
    var parallelism: String?
    @Option(name: .customLong("callback-receiver-parallelism"), help: setting("HERALD_CALLBACK_RECEIVER_PARALLELISM", "Callbacks in flight to one tenant's receiver", default: "64"))
    var receiverParallelism: String?
    @Option(name: .customLong("callback-breaker-failures"), help: setting("HERALD_CALLBACK_BREAKER_FAILURES", "Failures in a row that back a receiver off", default: "5"))
    var breakerFailures: String?
    @Option(name: .customLong("callback-breaker-max-seconds"), help: setting("HERALD_CALLBACK_BREAKER_MAX_SECONDS", "Longest back-off of a failing receiver (it doubles from 1 s)", default: "60"))
    var breakerMaxSeconds: String?
    @Option(name: .customLong("callback-allowed-networks"), help: setting("HERALD_CALLBACK_ALLOWED_NETWORKS", "Non-public networks (CIDR, comma-separated) that callback URLs may reach", default: "none"))
    var allowedNetworks: String?
    @Option(name: .customLong("callback-relay-interval-ms"), help: setting("HERALD_CALLBACK_RELAY_INTERVAL_MS", "Pause between relay passes with nothing due", default: "200"))
    var relayInterval: String?
    @Option(name: .customLong("callback-relay-batch"), help: setting("HERALD_CALLBACK_RELAY_BATCH", "Callbacks published per relay pass", default: "1000"))
    var relayBatch: String?

    public init() {}

    public var values: [String: String?] {
        [
            "HERALD_CALLBACK_TIMEOUT_MS": timeout, "HERALD_CALLBACK_CONNECTIONS": connections,
            "HERALD_CALLBACK_PARALLELISM": parallelism, "HERALD_CALLBACK_RELAY_INTERVAL_MS": relayInterval,
            "HERALD_CALLBACK_RELAY_BATCH": relayBatch, "HERALD_CALLBACK_RECEIVER_PARALLELISM": receiverParallelism,
            "HERALD_CALLBACK_BREAKER_FAILURES": breakerFailures, "HERALD_CALLBACK_BREAKER_MAX_SECONDS": breakerMaxSeconds,
            "HERALD_CALLBACK_ALLOWED_NETWORKS": allowedNetworks,
        ]
    }
}

/// `herald-inbound`'s SMTP listener and what it does with reports.
public struct InboundOptions: OptionSource {
    @Option(name: .customLong("inbound-smtp-address"), help: setting("HERALD_INBOUND_SMTP_ADDRESS", "host:port the SMTP listener binds (the bounce domain's MX relays to it)", default: "127.0.0.1:2526"))
    var address: String?
    @Option(name: .customLong("inbound-max-bytes"), help: setting("HERALD_INBOUND_MAX_BYTES", "Largest mail accepted; a larger one is refused with 552", default: "2097152"))
    var maxBytes: String?
    @Option(name: .customLong("bounce-domain"), help: setting("HERALD_BOUNCE_DOMAIN", "The domain of the emails' envelope senders, the only one accepted (required)"))
    var bounceDomain: String?
    @Option(name: .customLong("token-secret"), help: setting("HERALD_TOKEN_SECRET", "Key (at least 32 characters) that checks the bounce addresses; the same as herald-email's (required)"))
    var tokenSecret: String?
    @Option(name: .customLong("hard-bounce-suppression-days"), help: setting("HERALD_HARD_BOUNCE_SUPPRESSION_DAYS", "How long a hard bounce keeps its address suppressed; 0: for good", default: "90"))
    var hardBounceDays: String?

    public init() {}

    public var values: [String: String?] {
        [
            "HERALD_INBOUND_SMTP_ADDRESS": address, "HERALD_INBOUND_MAX_BYTES": maxBytes, "HERALD_BOUNCE_DOMAIN": bounceDomain,
            "HERALD_TOKEN_SECRET": tokenSecret, "HERALD_HARD_BOUNCE_SUPPRESSION_DAYS": hardBounceDays,
        ]
    }
}

/// Where herald-api is reached from outside, for the links herald-renderer puts into emails (`{{unsubscribe_url}}`).
public struct LinkOptions: OptionSource {
    @Option(name: .customLong("public-url"), help: setting("HERALD_PUBLIC_URL", "Where herald-api is reached from outside: {{unsubscribe_url}} is PUBLIC_URL/u/TOKEN", default: "none: {{unsubscribe_url}} is empty"))
    var publicURL: String?
    @Option(name: .customLong("token-secret"), help: setting("HERALD_TOKEN_SECRET", "Key (at least 32 characters) that signs the links' tokens; herald-api needs the same", default: "none; required with HERALD_PUBLIC_URL"))
    var tokenSecret: String?

    public init() {}

    public var values: [String: String?] {
        ["HERALD_PUBLIC_URL": publicURL, "HERALD_TOKEN_SECRET": tokenSecret]
    }
}
