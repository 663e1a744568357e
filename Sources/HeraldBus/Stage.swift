package import HeraldCore

extension Stage {
    /// The routing key on the `herald` exchange, and on `herald.dead` for this stage's dead letters.
    package var routingKey: String { rawValue }
    package var queue: String { "herald.\(rawValue)" }
    package var deadLetterQueue: String { "herald.dead.\(rawValue)" }

    package func retryQueue(delay: Duration) -> String {
        "herald.retry.\(rawValue).\(delay.milliseconds)ms"
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
