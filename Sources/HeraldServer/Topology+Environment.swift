import HeraldBus

extension Topology {
    /// `HERALD_RETRY_DELAYS_MS` (such as `1000,5000,30000`: the wait before each retry, a delay queue each) and
    /// `HERALD_DELIVERY_LIMIT`, and `HERALD_RETENTION_DAYS` for how long refused intake requests are kept: read the same way by `herald ctl topology`, which declares them, and by the workers,
    /// which check at start that the broker has them.
    public init(environment: Environment) throws {
        let delays = try environment.optional("HERALD_RETRY_DELAYS_MS").map {
            try Environment.milliseconds($0, name: "HERALD_RETRY_DELAYS_MS")
        }
        self.init(
            retryDelays: delays ?? Topology().retryDelays,
            deliveryLimit: try environment.int("HERALD_DELIVERY_LIMIT", default: 10),
            refusedRetention: .seconds(try environment.int("HERALD_RETENTION_DAYS", default: 7) * 86_400))
    }
}

extension Environment {
    /// A list such as `1000,5000,30000`.
    public static func milliseconds(_ raw: String, name: String) throws -> [Duration] {
        let values = raw.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ConfigurationError("\(name) must be positive milliseconds separated by commas, got '\(raw)'")
        }
        return values.map { .milliseconds($0!) }
    }
}
