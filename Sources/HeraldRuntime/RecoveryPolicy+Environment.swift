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
        staleSending = try environment.choice(.staleSending, as: StaleSending.self) ?? staleSending
        if let delays = environment.optional(.retryDelays) {
            maxAttempts = delays.split(separator: ",").count + 1
        }
    }
}
