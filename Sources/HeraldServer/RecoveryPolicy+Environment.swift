import HeraldStore

extension RecoveryPolicy {
    /// `HERALD_SENDING_TIMEOUT_SECONDS` (600), `HERALD_STALE_SENDING` (`resend` | `fail`), `HERALD_JOB_TIMEOUT_SECONDS`
    /// (900), `HERALD_RELAY_GRACE_MS` (5000) and the attempts `HERALD_RETRY_DELAYS_MS` allows.
    public init(environment: Environment) throws {
        self.init()
        publishGrace = .milliseconds(try environment.int("HERALD_RELAY_GRACE_MS", default: 5000))
        jobTimeout = .seconds(try environment.int("HERALD_JOB_TIMEOUT_SECONDS", default: 900))
        sendingTimeout = .seconds(try environment.int("HERALD_SENDING_TIMEOUT_SECONDS", default: 600))
        stallTimeout = .seconds(try environment.int("HERALD_STALL_SECONDS", default: 300))
        let raw = try environment.string("HERALD_STALE_SENDING", default: "resend")
        guard let policy = StaleSending(rawValue: raw) else {
            throw ConfigurationError("HERALD_STALE_SENDING must be resend or fail, got '\(raw)'")
        }
        staleSending = policy
        if let delays = environment.optional("HERALD_RETRY_DELAYS_MS") {
            maxAttempts = delays.split(separator: ",").count + 1
        }
    }
}
