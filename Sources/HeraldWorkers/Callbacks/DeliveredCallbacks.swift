import Foundation
import HeraldRuntime
import HeraldStore
import Logging

/// Deletes delivered callbacks from the ledger in group commits: a delivered callback waits at most `gather` (or
/// until the statement before it is written) to share its statement with the others delivered meanwhile, so a busy
/// receiver costs one statement per batch, not per callback, and no sender waits for the database.
actor DeliveredCallbacks {
    let store: CallbackStore
    let gather: Duration
    let logger: Logger
    private var pending: [UUID] = []
    private var writer: Task<Void, Never>?

    init(store: CallbackStore, gather: Duration = .milliseconds(2), logger: Logger) {
        self.store = store
        self.gather = gather
        self.logger = logger
    }

    func add(_ id: UUID) {
        pending.append(id)
        guard writer == nil else { return }
        writer = Task { await write(after: gather) }
    }

    /// Writes what is pending, after a write under way. Only a writer task writes, so two statements never run at
    /// once, even when a callback is delivered while this waits.
    func flush() async {
        while true {
            if let writer {
                await writer.value
            } else if pending.isEmpty {
                return
            } else {
                writer = Task { await write(after: .zero) }
            }
        }
    }

    private func write(after delay: Duration) async {
        if delay > .zero {
            // Cancellation only shortens the wait: what is pending is written all the same.
            try? await Task.sleep(for: delay)
        }
        while !pending.isEmpty {
            let batch = pending
            pending = []
            do {
                try await store.delivered(batch)
            } catch {
                // The rows come due again when their lease ends and are sent once more: a duplicate, never a loss.
                logger.warning("could not record delivered callbacks", metadata: ["error": "\(ProcessRuntime.describe(error))"])
            }
        }
        writer = nil
    }
}
