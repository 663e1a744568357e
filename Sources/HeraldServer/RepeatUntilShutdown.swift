import ServiceLifecycle

/// The loop of a periodic service: runs `round` until graceful shutdown (or cancellation), waiting after each round
/// for the pause it returns (`.zero`: go again at once). The wait ends at once on graceful shutdown. A round that
/// outlives the watchdog's limit ends the process.
public func repeatUntilShutdown(_ what: String = "a round", watchdog: Watchdog? = nil, _ round: () async -> Duration) async {
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
        let pause = if let watchdog { await watchdog.guarding(what) { await round() } } else { await round() }
        if pause > .zero {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}
