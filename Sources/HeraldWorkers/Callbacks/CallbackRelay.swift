import Foundation
package import HeraldBus
import HeraldCore
package import HeraldRuntime
package import HeraldStore
package import Logging
import ServiceLifecycle

/// Publishes the jobs of due callbacks: new ones (queued by the state changes' transactions) and any whose job was
/// lost. Replicas claim disjoint rows. A publish that fails leaves the rows to come due again after the job timeout.
package struct CallbackRelay: Service {
    let store: CallbackStore
    let bus: BusClient
    let interval: Duration
    let batchSize: Int
    let watchdog: Watchdog
    let logger: Logger

    package init(
        store: CallbackStore, bus: BusClient, interval: Duration, batchSize: Int, watchdog: Watchdog, logger: Logger
    ) {
        self.store = store
        self.bus = bus
        self.interval = interval
        self.batchSize = batchSize
        self.watchdog = watchdog
        self.logger = logger
    }

    package func run() async throws {
        await repeatPasses("callback relay pass", interval: interval, watchdog: watchdog, logger: logger) {
            try await publishDue() >= batchSize
        }
    }

    /// One pass: claims due callbacks and publishes their jobs; returns how many.
    @discardableResult
    package func publishDue() async throws -> Int {
        let ids = try await store.claimDue(limit: batchSize)
        try await bus.publishJobs(for: ids, to: .callback)
        return ids.count
    }
}
