import HeraldRuntime
import Foundation

/// Applies items in group commits: an item waits at most `gather` (or until the statement before it is written) to
/// share one statement with the others that came meanwhile, so a stream of them costs a statement per batch, not per
/// item, and each caller is answered once its batch is committed. A batch holds one item per key; a second item for
/// a key already in it waits for the next batch, so that two items of one key are applied in the order they came.
/// Used for Tyntec's delivery reports (herald-api) and for bounces and complaints (herald-inbound).
package actor GroupCommit<Key: Hashable & Sendable, Item: Sendable, Outcome: Sendable> {
    package typealias Write = @Sendable ([Item]) async throws -> [Key: Outcome]

    let key: @Sendable (Item) -> Key
    let write: Write
    /// The outcome of an item the write did not report on.
    let missing: Outcome
    let gather: Duration
    private var pending: [Key: Waiting] = [:]
    private var later: [Waiting] = []
    private var writer: Task<Void, Never>?

    struct Waiting {
        let item: Item
        let answer: CheckedContinuation<Outcome, any Error>
    }

    package init(
        gather: Duration = .milliseconds(2), missing: Outcome, key: @escaping @Sendable (Item) -> Key, write: @escaping Write
    ) {
        self.gather = gather
        self.missing = missing
        self.key = key
        self.write = write
    }

    package func apply(_ item: Item) async throws -> Outcome {
        try await withCheckedThrowingContinuation { answer in
            enqueue(Waiting(item: item, answer: answer))
        }
    }

    private func enqueue(_ waiting: Waiting) {
        let itemKey = key(waiting.item)
        if pending[itemKey] == nil {
            pending[itemKey] = waiting
        } else {
            later.append(waiting)
        }
        guard writer == nil else { return }
        writer = Task { await writeAll() }
    }

    private func writeAll() async {
        // Cancellation only shortens the wait: what is pending is written all the same.
        try? await Task.sleep(for: gather)
        while !pending.isEmpty {
            let batch = pending
            pending = [:]
            let held = later
            later = []
            for waiting in held {
                let itemKey = key(waiting.item)
                if pending[itemKey] == nil { pending[itemKey] = waiting } else { later.append(waiting) }
            }
            do {
                let outcomes = try await write(batch.values.map(\.item))
                for (itemKey, waiting) in batch { waiting.answer.resume(returning: outcomes[itemKey] ?? missing) }
            } catch {
                // Each caller gets the error: what it answers makes the sender try again.
                for waiting in batch.values { waiting.answer.resume(throwing: error) }
            }
        }
        writer = nil
    }
}
