import ServiceLifecycle

/// The loop of a periodic service: runs `round` until graceful shutdown (or cancellation), waiting after each round
/// for the pause it returns (`.zero`: go again at once). The wait ends at once on graceful shutdown.
public func repeatUntilShutdown(_ round: () async -> Duration) async {
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
        let pause = await round()
        if pause > .zero {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}
