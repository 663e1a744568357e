package import HeraldStore

extension RecoveryPolicy {
    /// `HERALD_SENDING_TIMEOUT_SECONDS` (600), `HERALD_STALE_SENDING` (`resend` | `fail`), `HERALD_JOB_TIMEOUT_SECONDS`
    /// (900), `HERALD_RELAY_GRACE_MS` (5000) and the attempts `HERALD_RETRY_DELAYS_MS` allows.
    package init(environment: Environment) throws {
        self.init()
        publishGrace = .milliseconds(try environment.int(.relayGrace))
        jobTimeout = .seconds(try environment.int(.jobTimeout))
        sendingTimeout = .seconds(try environment.int(.sendingTimeout))
        stallTimeout = .seconds(try environment.int(.stall))
        let raw = try environment.string(.staleSending)
        guard let policy = StaleSending(rawValue: raw) else {
            throw ConfigurationError("HERALD_STALE_SENDING must be resend or fail, got '\(raw)'")
        }
        staleSending = policy
        if let delays = environment.optional(.retryDelays) {
            maxAttempts = delays.split(separator: ",").count + 1
        }
    }
}
