package import Logging
import Synchronization

/// Warnings that may come thousands of times a second (a provider refusing every message, a database that is
/// down) logged at most once per interval per text, with how many were held back since the last one.
package final class RateLimitedLog: Sendable {
    let logger: Logger
    let interval: Duration
    private let last = Mutex<[String: (at: ContinuousClock.Instant, suppressed: Int)]>([:])

    package init(logger: Logger, interval: Duration) {
        self.logger = logger
        self.interval = interval
    }

    package func warning(_ message: String, metadata: Logger.Metadata = [:]) {
        let now = ContinuousClock.now
        let suppressed: Int? = last.withLock { seen in
            if let previous = seen[message], now - previous.at < interval {
                seen[message]!.suppressed += 1
                return nil
            }
            let count = seen[message]?.suppressed ?? 0
            seen[message] = (now, 0)
            return count
        }
        guard let suppressed else { return }
        var metadata = metadata
        if suppressed > 0 { metadata["suppressed"] = "\(suppressed)" }
        logger.warning(.init(stringLiteral: message), metadata: metadata)
    }
}
