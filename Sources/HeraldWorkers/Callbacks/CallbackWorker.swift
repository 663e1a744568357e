import Foundation
import HeraldBus
import HeraldCore
import HeraldProviders
import HeraldServer
import HeraldStore
import Logging
import Metrics

/// Delivers delivery-status callbacks: a batch of jobs is read in one query, POSTed with at most `parallelism`
/// requests in flight, and settled. What the receiver took is deleted from the ledger; what failed goes to the
/// broker's delay queue for its attempt (a job of just those callbacks, so the others are not sent twice), and after
/// the last attempt to the dead letters, marked dead in the ledger. No consumer waits out a backoff.
public struct CallbackWorker: Sendable {
    let store: CallbackStore
    let client: CallbackClient
    let bus: BusClient
    let topology: Topology
    let parallelism: Int
    let logger: Logger

    let delivered = Counter(label: "herald_callbacks_total", dimensions: [("outcome", "delivered")])
    let retried = Counter(label: "herald_callbacks_total", dimensions: [("outcome", "retrying")])
    let died = Counter(label: "herald_callbacks_total", dimensions: [("outcome", "dead")])
    let latency = Timer(label: "herald_callback_seconds", preferredDisplayUnit: .seconds)

    public init(
        infrastructure: Infrastructure, store: CallbackStore, client: CallbackClient, topology: Topology,
        parallelism: Int, logger: Logger
    ) {
        self.store = store
        self.client = client
        bus = infrastructure.bus
        self.topology = topology
        self.parallelism = max(1, parallelism)
        self.logger = logger
    }

    public func handle(_ deliveries: [BusDelivery]) async {
        let jobs = await bus.decodeJobs(deliveries, stage: .callback, topology: topology, logger: logger)
        guard !jobs.isEmpty else { return }
        let pending: [PendingCallback]
        do {
            pending = try await store.pending(jobs.flatMap(\.job.messageIDs))
        } catch {
            let reason = ProcessRuntime.describe(error)
            logger.warning("could not read callbacks; retrying", metadata: ["error": "\(reason)"])
            for (_, delivery) in jobs {
                _ = try? await bus.settleFailure(delivery, stage: .callback, error: reason, retryable: true, topology: topology)
            }
            return
        }
        let failures = await post(pending)
        do {
            try await store.delivered(pending.map(\.id).filter { failures[$0] == nil })
        } catch {
            // The rows come due again and are sent once more: a duplicate, never a loss.
            logger.warning("could not record delivered callbacks", metadata: ["error": "\(ProcessRuntime.describe(error))"])
        }
        delivered.increment(by: pending.count - failures.count)
        for (job, delivery) in jobs {
            let failed = job.messageIDs.filter { failures[$0] != nil }
            guard let error = failed.first.flatMap({ failures[$0] }) else {
                bus.ack(delivery)
                continue
            }
            await settle(delivery, failed: failed, whole: failed.count == job.messageIDs.count, error: error)
        }
    }

    /// POSTs each callback, `parallelism` at a time; returns why each failed one failed.
    func post(_ callbacks: [PendingCallback]) async -> [UUID: String] {
        await withTaskGroup(of: (UUID, String?).self) { group in
            var failures: [UUID: String] = [:]
            var next = callbacks.makeIterator()
            func start(_ callback: PendingCallback) {
                group.addTask {
                    let started = ContinuousClock.now
                    let failure = await client.post(
                        to: callback.url, body: Self.body(callback), secret: callback.secret, id: callback.id)
                    latency.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
                    return (callback.id, failure)
                }
            }
            for _ in 0..<parallelism {
                guard let callback = next.next() else { break }
                start(callback)
            }
            for await (id, failure) in group {
                if let failure { failures[id] = failure }
                if let callback = next.next() { start(callback) }
            }
            return failures
        }
    }

    private func settle(_ delivery: BusDelivery, failed: [UUID], whole: Bool, error: String) async {
        do {
            let outcome = try await bus.settleFailure(
                delivery, stage: .callback, error: error, retryable: true, only: whole ? nil : Job(messageIDs: failed),
                topology: topology)
            if !whole { bus.ack(delivery) }
            switch outcome {
            case .retrying(_, let delay):
                retried.increment(by: failed.count)
                try await store.retrying(failed, error: error, delay: delay)
            case .deadLettered:
                died.increment(by: failed.count)
                try await store.dead(failed, error: error)
                logger.warning("callbacks dead-lettered", metadata: ["count": "\(failed.count)", "error": "\(error)"])
            }
        } catch {
            // Unsettled, the delivery returns to the queue with the connection, or the rows come due again.
            logger.error("could not settle failed callbacks", metadata: ["error": "\(ProcessRuntime.describe(error))"])
        }
    }

    /// The JSON a receiver gets.
    static func body(_ callback: PendingCallback) -> [UInt8] {
        Array(JSONValue.object([
            "id": .string(callback.messageID.uuidString.lowercased()),
            "reference": callback.reference.map(JSONValue.string) ?? .null,
            "procedure_id": .string(callback.procedureID.uuidString.lowercased()),
            "channel": .string(callback.channel), "state": .string(callback.state),
            "at": .string(Timestamp.string(callback.at)),
            "provider_id": callback.providerID.map(JSONValue.string) ?? .null,
            "detail": callback.detail.map(JSONValue.string) ?? .null,
        ]).encoded().utf8)
    }
}
