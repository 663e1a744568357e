package import HeraldBus

extension Topology {
    /// `HERALD_RETRY_DELAYS_MS` (such as `1000,5000,30000`: the wait before each retry, a delay queue each) and
    /// `HERALD_DELIVERY_LIMIT`, and `HERALD_RETENTION_DAYS` for how long refused intake requests are kept: read the same way by `herald ctl topology`, which declares them, and by the workers,
    /// which check at start that the broker has them.
    package init(environment: Environment) throws {
        self.init(
            retryDelays: try environment.milliseconds(.retryDelays),
            deliveryLimit: try environment.int(.deliveryLimit),
            refusedRetention: .seconds(try environment.int(.retentionDays) * 86_400))
    }
}
