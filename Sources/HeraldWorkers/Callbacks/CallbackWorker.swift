import Foundation
package import HeraldBus
import HeraldCore
package import HeraldProviders
package import HeraldRuntime
package import HeraldStore
package import Logging
import Metrics
import ServiceLifecycle

/// Delivers delivery-status callbacks. The `callbacks` ledger is their record and the broker's jobs only wake the
/// sender: a batch of jobs is leased in the ledger (a sender that dies leaves its callbacks to come due again when
/// the lease ends), handed to the `ReceiverScheduler` and acked at once, so no job waits on a receiver. Each callback
/// then settles on its own: taken (deleted, in group commits), failed (due again after its retry delay, or dead after
/// the last attempt, with a dead letter for the operator's replay), or held back without an attempt while its
/// receiver is backed off. `parallelism` senders share the receivers round-robin, at most `perReceiver` each.
package struct CallbackWorker: Service {
    let store: CallbackStore
    let client: CallbackClient
    let bus: BusClient
    let topology: Topology
    let parallelism: Int
    let scheduler: ReceiverScheduler
    let deletions: DeliveredCallbacks
    let lease: Duration
    let logger: Logger

    let delivered = Counter(label: "herald_callbacks_total", dimensions: [("outcome", "delivered")])
    let retried = Counter(label: "herald_callbacks_total", dimensions: [("outcome", "retrying")])
    let died = Counter(label: "herald_callbacks_total", dimensions: [("outcome", "dead")])
    let heldBack = Counter(label: "herald_callbacks_total", dimensions: [("outcome", "held_back")])
    let latency = Timer(label: "herald_callback_seconds", preferredDisplayUnit: .seconds)

    package struct Settings: Sendable {
        package var parallelism: Int
        package var perReceiver: Int
        package var breakerFailures: Int
        package var breakerMaximum: Duration

        package init(parallelism: Int, perReceiver: Int, breakerFailures: Int, breakerMaximum: Duration) {
            self.parallelism = parallelism
            self.perReceiver = perReceiver
            self.breakerFailures = breakerFailures
            self.breakerMaximum = breakerMaximum
        }
    }

    package init(
        infrastructure: Infrastructure, store: CallbackStore, client: CallbackClient, topology: Topology,
        settings: Settings, logger: Logger
    ) {
        self.store = store
        self.client = client
        bus = infrastructure.bus
        self.topology = topology
        parallelism = max(1, settings.parallelism)
        let timeout = client.configuration.timeout
        // A callback waits in its receiver's queue at most about two timeouts (its pace bounds the queue, and a
        // breaker that opens sends the queue back), then takes one: the lease covers that with room to spare.
        scheduler = ReceiverScheduler(settings: .init(
            perReceiver: max(1, settings.perReceiver), breakerThreshold: settings.breakerFailures,
            breakerMaximum: settings.breakerMaximum, maxQueueWait: timeout))
        lease = timeout * 4 + .seconds(10)
        deletions = DeliveredCallbacks(store: store, logger: logger)
        self.logger = logger
    }

    /// The senders: each takes the next callback the scheduler gives and settles it.
    /// On shutdown (after the consumer stopped, as it is listed after this service) the callbacks in flight finish
    /// and those still queued go back to the ledger, due at once.
    package func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<parallelism {
                group.addTask {
                    var next = await scheduler.next()
                    while let callback = next {
                        next = await send(callback)
                        if next == nil { next = await scheduler.next() }
                    }
                }
            }
            do {
                try await gracefulShutdown()
            } catch {
                // Cancelled rather than shut down: the queued callbacks come due again when their lease ends.
                _ = await scheduler.finish()
                throw error
            }
            let queued = await scheduler.finish()
            if !queued.isEmpty { await holdBack(.init(callbacks: queued, until: Date())) }
            try await group.waitForAll()
        }
        await deletions.flush()
    }

    /// Leases the jobs' callbacks, queues them and acks the jobs. A job whose callbacks cannot be read goes back to
    /// the queue through the broker's retry.
    package func handle(_ deliveries: [BusDelivery]) async {
        let jobs = await bus.decodeJobs(deliveries, stage: .callback, topology: topology, logger: logger)
        guard !jobs.isEmpty else { return }
        let pending: [PendingCallback]
        do {
            pending = try await store.lease(jobs.flatMap(\.job.messageIDs), for: lease)
        } catch {
            let reason = ProcessRuntime.describe(error)
            logger.warning("could not read callbacks; retrying", metadata: ["error": "\(reason)"])
            for (_, delivery) in jobs {
                _ = try? await bus.settleFailure(delivery, stage: .callback, error: reason, retryable: true, topology: topology)
            }
            return
        }
        for held in await scheduler.submit(pending) { await holdBack(held) }
        for (_, delivery) in jobs { bus.ack(delivery) }
        // Take more jobs only once the senders have room: the rest waits in the broker, not in memory.
        await scheduler.waitForRoom(below: parallelism * 32)
    }

    /// Sends one callback and settles it; returns the sender's next callback if one was ready.
    func send(_ callback: PendingCallback) async -> PendingCallback? {
        let started = ContinuousClock.now
        let failure = await client.post(to: callback.url, body: Self.body(callback), secret: callback.secret, id: callback.id)
        let took = ContinuousClock.now - started
        latency.recordNanoseconds(took.nanoseconds)
        let (held, next) = await scheduler.completed(callback, succeeded: failure == nil, took: took)
        if let held {
            logger.warning("a tenant's callback receiver is failing; its callbacks are held back", metadata: [
                "tenant.id": "\(callback.tenantID)", "held": "\(held.callbacks.count)", "error": "\(failure ?? "")",
            ])
            await holdBack(held)
        }
        guard let failure else {
            delivered.increment()
            await deletions.add(callback.id)
            return next
        }
        await settleFailure(callback, error: failure)
        return next
    }

    /// Due again after the delay of its attempt, or dead after the last one (with a dead letter to replay it from).
    func settleFailure(_ callback: PendingCallback, error: String) async {
        let attempt = callback.attempts + 1
        do {
            if attempt < topology.maxAttempts {
                retried.increment()
                try await store.retrying([callback.id], error: error, delay: topology.retryDelays[attempt - 1])
            } else {
                died.increment()
                try await bus.publish(.deadLetter(
                    body: Job(messageIDs: [callback.id]).encoded(), stage: .callback, attempts: attempt, headers: [
                        Topology.errorHeader: .string(String(error.prefix(1000))), Topology.messagesHeader: .int(1),
                    ]))
                try await store.dead([callback.id], error: error)
                logger.warning("callback dead-lettered", metadata: ["tenant.id": "\(callback.tenantID)", "error": "\(error)"])
            }
        } catch {
            // Unsettled, it comes due again when its lease ends: sent again, never lost.
            logger.error("could not settle a failed callback", metadata: ["error": "\(ProcessRuntime.describe(error))"])
        }
    }

    func holdBack(_ held: ReceiverScheduler.HeldBack) async {
        heldBack.increment(by: held.callbacks.count)
        do {
            try await store.holdBack(held.callbacks.map(\.id), until: held.until)
        } catch {
            // Left as leased, they come due when the lease ends instead.
            logger.warning("could not hold callbacks back", metadata: ["error": "\(ProcessRuntime.describe(error))"])
        }
    }

    /// The JSON a receiver gets: a message's state change, or an SMS a recipient sent to one of the tenant's numbers.
    static func body(_ callback: PendingCallback) -> [UInt8] {
        if let inbound = callback.inbound {
            return Array(JSONValue.object([
                "id": .string(callback.messageID.uuidString.lowercased()), "state": .string("inbound"),
                "channel": .string("sms"), "from": .string(inbound.from), "to": .string(inbound.to),
                "text": .string(inbound.text), "at": .string(Timestamp.string(callback.at)),
            ]).encoded().utf8)
        }
        return Array(JSONValue.object([
            "id": .string(callback.messageID.uuidString.lowercased()),
            "reference": callback.reference.map(JSONValue.string) ?? .null,
            "procedure_id": callback.procedureID.map { .string($0.uuidString.lowercased()) } ?? .null,
            "channel": .string(callback.channel), "state": .string(callback.state),
            "at": .string(Timestamp.string(callback.at)),
            "provider_id": callback.providerID.map(JSONValue.string) ?? .null,
            "detail": callback.detail.map(JSONValue.string) ?? .null,
        ]).encoded().utf8)
    }
}
