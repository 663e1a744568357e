package import HeraldRuntime
package import HeraldStore
package import Logging
import Metrics
import ServiceLifecycle

/// Runs with the relay: every interval, erases the personal data of messages final for longer than the retention
/// period, deletes the rows older than the history period and expires idempotency keys, in batches of `batchSize`
/// (one transaction each, so locks stay short) until a batch comes back short. Replicas share the work.
package struct RetentionSweeper: Service {
    let retention: Retention
    let interval: Duration
    let batchSize: Int
    let logger: Logger
    let watchdog: Watchdog
    let erased = Counter(label: "herald_retention_messages_total", dimensions: [("action", "erased")])
    let deleted = Counter(label: "herald_retention_messages_total", dimensions: [("action", "deleted")])

    package init(infrastructure: Infrastructure, policy: RetentionPolicy, interval: Duration, batchSize: Int = 500, logger: Logger) {
        retention = Retention(database: infrastructure.database, policy: policy, logger: logger)
        self.interval = interval
        self.batchSize = batchSize
        self.logger = logger
        watchdog = infrastructure.watchdog(logger: logger)
    }

    package func run() async throws {
        await repeatPasses("retention pass", interval: interval, watchdog: watchdog, logger: logger) {
            let (erasedNow, deletedNow, keys, inbound) = try await passOnce()
            return erasedNow == batchSize || deletedNow == batchSize || keys == batchSize || inbound == batchSize
        }
    }

    /// One batch of each kind; returns how many messages were erased and deleted, keys expired and inbound SMS
    /// deleted.
    func passOnce() async throws -> (erased: Int, deleted: Int, keys: Int, inbound: Int) {
        let erasedNow = try await retention.erase(limit: batchSize)
        let deletedNow = try await retention.forget(limit: batchSize)
        let keys = try await retention.expireIdempotencyKeys(limit: batchSize)
        let inbound = try await retention.forgetInbound(limit: batchSize)
        erased.increment(by: erasedNow)
        deleted.increment(by: deletedNow)
        if erasedNow + deletedNow > 0 {
            logger.info("retention", metadata: ["messages.erased": "\(erasedNow)", "messages.deleted": "\(deletedNow)"])
        }
        return (erasedNow, deletedNow, keys, inbound)
    }
}
