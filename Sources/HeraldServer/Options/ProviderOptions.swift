import ArgumentParser

/// The SMTP server `herald-email` submits to.
public struct SMTPOptions: OptionSource {
    @Option(name: .customLong("smtp-url"), help: setting("HERALD_SMTP_URL", "smtp://[user:password@]host:port or smtps://", default: "smtp://127.0.0.1:2525, the sandbox"))
    var url: String?
    @Option(name: .customLong("smtp-from"), help: setting("HERALD_SMTP_FROM", "Sender mailbox", default: "Herald <herald@herald.localhost>"))
    var from: String?
    @Option(name: .customLong("smtp-tls"), help: setting("HERALD_SMTP_TLS", "required, opportunistic or none", default: "required for smtps:// or with a user and password, else opportunistic"))
    var tls: String?
    @Option(name: .customLong("smtp-ca-file"), help: setting("HERALD_SMTP_CA_FILE", "CA certificates to verify the server with", default: "the system's"))
    var caFile: String?
    @Option(name: .customLong("smtp-connections"), help: setting("HERALD_SMTP_CONNECTIONS", "SMTP sessions at once, each kept open", default: "8"))
    var connections: String?
    @Option(name: .customLong("smtp-timeout-seconds"), help: setting("HERALD_SMTP_TIMEOUT_SECONDS", "Longest one submission may take", default: "30"))
    var timeout: String?
    @Option(name: .customLong("bounce-domain"), help: setting("HERALD_BOUNCE_DOMAIN", "Domain whose MX is herald-inbound: each email's envelope sender is a signed address there, so bounces and complaints come back", default: "none: the From address, and nothing comes back"))
    var bounceDomain: String?
    @Option(name: .customLong("token-secret"), help: setting("HERALD_TOKEN_SECRET", "Key (at least 32 characters) that signs the bounce addresses and unsubscribe links; herald-inbound and herald-api need the same", default: "none; required with HERALD_BOUNCE_DOMAIN or HERALD_PUBLIC_URL"))
    var tokenSecret: String?
    @Option(name: .customLong("public-url"), help: setting("HERALD_PUBLIC_URL", "Where herald-api is reached from outside: emails of unsubscribe templates carry PUBLIC_URL/u/TOKEN as their one-click List-Unsubscribe", default: "none: List-Unsubscribe has the mailto only (with HERALD_BOUNCE_DOMAIN)"))
    var publicURL: String?

    public init() {}

    public var values: [String: String?] {
        [
            "HERALD_SMTP_URL": url, "HERALD_SMTP_FROM": from, "HERALD_SMTP_TLS": tls, "HERALD_SMTP_CA_FILE": caFile,
            "HERALD_SMTP_CONNECTIONS": connections, "HERALD_SMTP_TIMEOUT_SECONDS": timeout,
            "HERALD_BOUNCE_DOMAIN": bounceDomain, "HERALD_TOKEN_SECRET": tokenSecret, "HERALD_PUBLIC_URL": publicURL,
        ]
    }
}

/// The Tyntec account `herald-sms` sends through and `herald-poller` asks.
public struct TyntecOptions: OptionSource {
    @Option(name: .customLong("tyntec-url"), help: setting("HERALD_TYNTEC_URL", "Tyntec API base URL", default: "https://api.tyntec.com"))
    var url: String?
    @Option(name: .customLong("tyntec-api-key"), help: setting("HERALD_TYNTEC_API_KEY", "The key Tyntec issued (required)"))
    var apiKey: String?
    @Option(name: .customLong("tyntec-connections"), help: setting("HERALD_TYNTEC_CONNECTIONS", "HTTP connections at once", default: "32"))
    var connections: String?
    @Option(name: .customLong("tyntec-timeout-seconds"), help: setting("HERALD_TYNTEC_TIMEOUT_SECONDS", "Longest wait for an answer", default: "10"))
    var timeout: String?
    @Option(name: .customLong("sms-from"), help: setting("HERALD_SMS_FROM", "Default sender id: a number or up to 11 letters and digits", default: "Herald"))
    var from: String?
    @Option(name: .customLong("sms-validity-minutes"), help: setting("HERALD_SMS_VALIDITY_MINUTES", "How long Tyntec tries to deliver", default: "2880"))
    var validity: String?
    @Option(name: .customLong("poll-delays-ms"), help: setting("HERALD_POLL_DELAYS_MS", "Waits between delivery-status polls, comma-separated", default: "2000,5000,10000,30000,60000,300000,900000,3600000"))
    var pollDelays: String?
    @Option(name: .customLong("public-url"), help: setting("HERALD_PUBLIC_URL", "Where Tyntec reaches herald-api from outside: each SMS asks Tyntec to push its delivery reports to PUBLIC_URL/v1/providers/tyntec/reports/TOKEN", default: "none: delivery states are polled"))
    var publicURL: String?
    @Option(name: .customLong("token-secret"), help: setting("HERALD_TOKEN_SECRET", "Key (at least 32 characters) that signs the report URLs' tokens; herald-api needs the same", default: "none; required with HERALD_PUBLIC_URL"))
    var tokenSecret: String?
    @Option(name: .customLong("receipt-grace-seconds"), help: setting("HERALD_RECEIPT_GRACE_SECONDS", "With reports pushed, how long a sent SMS waits for one before the poller asks Tyntec", default: "600"))
    var receiptGrace: String?

    public init() {}

    public var values: [String: String?] {
        [
            "HERALD_TYNTEC_URL": url, "HERALD_TYNTEC_API_KEY": apiKey, "HERALD_TYNTEC_CONNECTIONS": connections,
            "HERALD_TYNTEC_TIMEOUT_SECONDS": timeout, "HERALD_SMS_FROM": from, "HERALD_SMS_VALIDITY_MINUTES": validity,
            "HERALD_POLL_DELAYS_MS": pollDelays, "HERALD_PUBLIC_URL": publicURL, "HERALD_TOKEN_SECRET": tokenSecret,
            "HERALD_RECEIPT_GRACE_SECONDS": receiptGrace,
        ]
    }
}

/// How `herald-poller` takes its work.
public struct PollerOptions: OptionSource {
    @Option(name: .customLong("poll-batch"), help: setting("HERALD_POLL_BATCH", "Due polls leased at a time", default: "200"))
    var batch: String?
    @Option(name: .customLong("poll-concurrency"), help: setting("HERALD_POLL_CONCURRENCY", "Polls in flight at once", default: "32"))
    var concurrency: String?
    @Option(name: .customLong("poll-lease-seconds"), help: setting("HERALD_POLL_LEASE_SECONDS", "How long a leased batch is this replica's", default: "60"))
    var lease: String?

    public init() {}

    public var values: [String: String?] {
        ["HERALD_POLL_BATCH": batch, "HERALD_POLL_CONCURRENCY": concurrency, "HERALD_POLL_LEASE_SECONDS": lease]
    }
}
