/// How long each non-final state that a job owns may last before the sweeper acts, and what it does with a message
/// left in `sending`.
package struct RecoveryPolicy: Sendable {
    /// What to do with a message whose sender went quiet while it was at the provider.
    package enum StaleSending: String, Sendable, CaseIterable {
        /// Back for another attempt, recorded as a possible duplicate (a resend carries the same Message-ID or
        /// Tyntec reference, so the far side can recognise it).
        case resend
        /// Final state `failed`, saying the provider may have it.
        case fail
    }

    /// How long a published job may go unconfirmed before the sweeper publishes it again.
    package var publishGrace: Duration
    /// How long a message may wait in `queued` or `rendered` with its job unsettled before the sweeper publishes a
    /// new job for it. Longer than the longest retry delay, or retries waiting in delay queues get duplicates.
    package var jobTimeout: Duration
    /// How long a message may stay in `sending` before the sweeper resolves it by `staleSending`.
    package var sendingTimeout: Duration
    package var staleSending: StaleSending
    /// Attempts after which a stale `sending` message fails instead of being sent again.
    package var maxAttempts: Int
    /// How long one batch of jobs or one round of a periodic task may take before the process gives up on itself and
    /// exits to be restarted (see `Watchdog`).
    package var stallTimeout: Duration

    package init(
        publishGrace: Duration = .seconds(5), jobTimeout: Duration = .seconds(900), sendingTimeout: Duration = .seconds(600),
        staleSending: StaleSending = .resend, maxAttempts: Int = 6, stallTimeout: Duration = .seconds(300)
    ) {
        self.stallTimeout = stallTimeout
        self.publishGrace = publishGrace
        self.jobTimeout = jobTimeout
        self.sendingTimeout = sendingTimeout
        self.staleSending = staleSending
        self.maxAttempts = maxAttempts
    }
}
