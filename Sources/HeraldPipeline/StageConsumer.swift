package import HeraldRuntime
import Foundation
package import HeraldBus
package import HeraldCore
package import Logging
import ServiceLifecycle

/// Consumes one queue (a stage's, or the intake's) and hands deliveries to `handle` in batches, with at most
/// `concurrency` batches in flight; a handler that becomes free takes everything that arrived meanwhile (up to
/// `maxBatch`). On graceful shutdown it cancels the consumer, lets batches in flight finish (and settle), then
/// returns; deliveries received but not handled go back to the queue with the connection.
package struct StageConsumer: Service {
    package typealias Handler = @Sendable ([BusDelivery]) async -> Void

    let bus: BusClient
    let queue: String
    /// What the watchdog calls a batch's items: "render jobs".
    let itemName: String
    let prefetch: UInt16
    let concurrency: Int
    let maxBatch: Int
    let logger: Logger
    let handle: Handler
    let watchdog: Watchdog

    package init(
        bus: BusClient, stage: Stage, prefetch: UInt16, concurrency: Int, maxBatch: Int = 200, watchdog: Watchdog = .off,
        logger: Logger, handle: @escaping Handler
    ) {
        self.init(
            bus: bus, queue: stage.queue, itemName: "\(stage.rawValue) jobs", prefetch: prefetch, concurrency: concurrency,
            maxBatch: maxBatch, watchdog: watchdog, logger: logger, handle: handle)
    }

    package init(
        bus: BusClient, queue: String, itemName: String, prefetch: UInt16, concurrency: Int, maxBatch: Int,
        watchdog: Watchdog = .off, logger: Logger, handle: @escaping Handler
    ) {
        self.watchdog = watchdog
        self.bus = bus
        self.queue = queue
        self.itemName = itemName
        self.prefetch = prefetch
        self.concurrency = concurrency
        self.maxBatch = maxBatch
        self.logger = logger
        self.handle = handle
    }

    package func run() async throws {
        let deliveries = bus.consume(queue: queue, prefetch: prefetch)
        let bus = bus
        let (itemName, watchdog, handle) = (itemName, watchdog, handle)
        logger.info("consuming", metadata: ["queue": "\(queue)", "prefetch": "\(prefetch)", "concurrency": "\(concurrency)"])
        let buffer = DeliveryBuffer(maxBatch: maxBatch)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        while let batch = await buffer.take() {
                            await watchdog.guarding("a batch of \(batch.count) \(itemName)") { await handle(batch) }
                        }
                    }
                }
                do {
                    for try await batch in deliveries { await buffer.append(batch) }
                    await buffer.finish()
                } catch {
                    await buffer.finish()
                    throw error
                }
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            bus.stopConsuming()
        }
    }
}
