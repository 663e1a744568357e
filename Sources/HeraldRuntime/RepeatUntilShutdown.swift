package import Logging
import ServiceLifecycle

/// The loop of a periodic service: runs `round` until graceful shutdown (or cancellation), waiting after each round
/// for the pause it returns (`.zero`: go again at once). The wait ends at once on graceful shutdown. A round that
/// outlives the watchdog's limit ends the process.
package func repeatUntilShutdown(_ what: String = "round", watchdog: Watchdog = .off, _ round: () async -> Duration) async {
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
        let pause = await watchdog.guarding(what) { await round() }
        if pause > .zero {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}

/// The passes of a service that works through a backlog in batches: after a pass that did a full batch (`pass`
/// returns true) the next one starts at once; after a smaller one, or a failure (logged as a warning), it waits
/// `interval`.
package func repeatPasses(
    _ what: String, interval: Duration, watchdog: Watchdog = .off, logger: Logger, _ pass: () async throws -> Bool
) async {
    await repeatUntilShutdown(what, watchdog: watchdog) {
        do {
            return try await pass() ? .zero : interval
        } catch {
            logger.warning("\(what) failed", metadata: ["error": "\(ProcessRuntime.describe(error))"])
            return interval
        }
    }
}
