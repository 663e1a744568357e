import HeraldRuntime
import HeraldBus

/// Deliveries waiting for a handler. Handlers take everything that piled up (up to a limit of messages, counted
/// over the jobs' `x-herald-messages`) in one go, so the busier the queue, the larger and fewer the database round
/// trips.
actor DeliveryBuffer {
    private var items: [BusDelivery] = []
    private var waiters: [CheckedContinuation<[BusDelivery]?, Never>] = []
    private var finished = false
    let maxBatch: Int

    init(maxBatch: Int) {
        self.maxBatch = maxBatch
    }

    func append(_ deliveries: [BusDelivery]) {
        items += deliveries
        while !waiters.isEmpty && !items.isEmpty {
            waiters.removeFirst().resume(returning: takeBatch())
        }
    }

    /// The next batch, or nil once the buffer is finished and empty.
    func take() async -> [BusDelivery]? {
        if !items.isEmpty { return takeBatch() }
        if finished { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func finish() {
        finished = true
        for waiter in waiters where items.isEmpty { waiter.resume(returning: nil) }
        waiters.removeAll()
    }

    private func takeBatch() -> [BusDelivery] {
        var messages = 0
        var count = 0
        for item in items {
            if count > 0 && messages + item.messageCount > maxBatch { break }
            messages += item.messageCount
            count += 1
        }
        let batch = Array(items.prefix(count))
        items.removeFirst(count)
        return batch
    }
}
