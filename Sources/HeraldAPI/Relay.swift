import Foundation
import HeraldServer
import HeraldStore
import Logging
import Metrics
import ServiceLifecycle

/// Releases scheduled messages when they come due and publishes render jobs for due messages whose job the broker
/// never confirmed (the API stopped between commit and publish). Several replicas share the work: both sweeps lock
/// rows with `SKIP LOCKED`, and a job published twice is harmless because every transition is conditional.
public struct Relay: Service {
    let intake: MessageIntake
    let interval: Duration
    /// How long a queued message may wait for its publish confirmation before the sweep publishes it.
    let grace: Duration
    let batchSize: Int
    let logger: Logger
    let released = Counter(label: "herald_relay_released_total")
    let republished = Counter(label: "herald_relay_republished_total")

    public func run() async throws {
        await repeatUntilShutdown {
            do {
                let (due, publication) = try await intake.messages.releaseDue(limit: batchSize)
                if let publication {
                    released.increment(by: publication.messageIDs.count)
                    await intake.publish(publication)
                }
                let intake = intake
                let swept = try await intake.messages.sweepUnpublished(grace: grace, limit: batchSize) { ids in
                    try await intake.publishRenderJobs(ids)
                }
                if swept > 0 {
                    republished.increment(by: swept)
                    logger.info("published render jobs the broker had not confirmed", metadata: ["messages.count": "\(swept)"])
                }
                return due == batchSize || swept >= batchSize ? .zero : interval
            } catch {
                logger.warning("relay pass failed", metadata: ["error": "\(StoreError.describe(error))"])
                return interval
            }
        }
    }
}
