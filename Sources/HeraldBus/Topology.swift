package import HeraldCore

/// The exchanges and queues Herald uses, and its retry policy. Declaring is idempotent: declaring again with the same
/// settings changes nothing, and the broker refuses (with a clear error) a queue that exists with other settings.
///
/// - `herald` (direct): a quorum work queue per stage, bound by the stage's routing key. Each has a delivery limit, so a
///   job that crashes its consumer again and again is dead-lettered instead of looping, with at-least-once
///   dead-lettering so that step cannot lose it.
/// - `herald.retry` (direct): per stage, a quorum delay queue per backoff step whose messages expire after the step's
///   delay and are dead-lettered back to `herald` with the stage's routing key. Nothing consumes them, so a waiting
///   retry blocks no consumer, and being quorum queues they survive a broker restart.
/// - `herald.dead` (direct): a quorum queue per stage holding jobs that failed for good, each with its error and
///   attempt count and time in headers (`x-herald-error`, `x-herald-attempts`, `x-herald-failed-at`).
/// - `herald.intake`: message requests that applications publish straight onto the broker (through the fanout
///   exchange `herald.intake`, the one an application's own broker user may write to; the fleet's user may also use
///   the default exchange or `herald` with routing key `intake`); `herald.intake.refused` (bound to `herald.dead` by `intake`)
///   holds the ones refused, each with its problem document, and any the broker gave up redelivering.
package struct Topology: Sendable {
    package static let exchange = "herald"
    package static let retryExchange = "herald.retry"
    package static let deadLetterExchange = "herald.dead"
    package static let intakeQueue = "herald.intake"
    /// A fanout exchange to `herald.intake` alone: what an application's broker user may publish to (and nothing else).
    package static let intakeExchange = "herald.intake"
    package static let intakeRefusedQueue = "herald.intake.refused"
    /// The intake's routing key on `herald`, and its refusals' on `herald.dead`.
    package static let intakeRoutingKey = "intake"

    package static let attemptHeader = "x-herald-attempt"
    package static let errorHeader = "x-herald-error"
    package static let attemptsHeader = "x-herald-attempts"
    /// When a job was dead-lettered, in Unix milliseconds.
    package static let failedAtHeader = "x-herald-failed-at"
    /// How many messages a job names.
    package static let messagesHeader = "x-herald-messages"

    /// The wait before each retry; a job is tried `retryDelays.count + 1` times in all.
    package var retryDelays: [Duration]
    /// How often the broker hands out one job before dead-lettering it (guards against consumers that crash on it).
    package var deliveryLimit: Int
    /// How long a refused intake request is kept in `herald.intake.refused` (the personal-data retention), and how
    /// many at most (the oldest go first).
    package var refusedRetention: Duration
    package var refusedMaxLength: Int

    package init(
        retryDelays: [Duration] = [.seconds(1), .seconds(5), .seconds(30), .seconds(120), .seconds(600)],
        deliveryLimit: Int = 10, refusedRetention: Duration = .seconds(7 * 86_400), refusedMaxLength: Int = 100_000
    ) {
        precondition(retryDelays.allSatisfy { $0 > .zero }, "retry delays must be positive")
        self.retryDelays = retryDelays
        self.deliveryLimit = deliveryLimit
        self.refusedRetention = refusedRetention
        self.refusedMaxLength = refusedMaxLength
    }

    package var maxAttempts: Int { retryDelays.count + 1 }

    package func declare(on bus: BusClient) async throws {
        let topology = self
        try await bus.perform { connection throws(BusError) in
            try topology.declare(on: connection)
        }
    }

    /// Checks that the broker holds this topology, as `herald ctl topology` declared it from the same settings: each
    /// stage's work queue with this delivery limit, and a delay queue for each retry delay. A worker that would
    /// publish retries nowhere refuses to start instead, with one line naming what differs.
    package func verify(on bus: BusClient, stages: [Stage] = Stage.allCases) async throws {
        let topology = self
        do {
            try await bus.perform { connection throws(BusError) in
                for stage in stages {
                    try connection.declareQueue(stage.queue, arguments: topology.workQueueArguments)
                    for delay in topology.retryDelays {
                        try connection.declareQueue(stage.retryQueue(delay: delay), passive: true)
                    }
                }
            }
        } catch let error as BusError {
            throw BusError(error.code, "the broker's topology differs from this process's HERALD_RETRY_DELAYS_MS "
                + "(\(retryDelays.map { "\($0.milliseconds)" }.joined(separator: ","))) or HERALD_DELIVERY_LIMIT (\(deliveryLimit)): "
                + "\(error.detail); run herald ctl topology with the same settings")
        }
    }

    /// Checks that the broker has the intake's queues, for a process that consumes them.
    package static func verifyIntake(on bus: BusClient) async throws {
        do {
            try await bus.perform { connection throws(BusError) in
                _ = try connection.declareQueue(intakeQueue, passive: true)
                _ = try connection.declareQueue(intakeRefusedQueue, passive: true)
            }
        } catch let error as BusError {
            throw BusError(error.code, "the broker has no intake queues (\(error.detail)): run herald ctl topology")
        }
    }

    var workQueueArguments: [String: BusHeaderValue] {
        [
            "x-queue-type": .string("quorum"), "x-dead-letter-strategy": .string("at-least-once"),
            "x-overflow": .string("reject-publish"), "x-dead-letter-exchange": .string(Self.deadLetterExchange),
            "x-delivery-limit": .int(Int64(deliveryLimit)),
        ]
    }

    func declare(on connection: AMQPConnection) throws(BusError) {
        try connection.declareExchange(Self.exchange, type: "direct")
        try connection.declareExchange(Self.retryExchange, type: "direct")
        try connection.declareExchange(Self.deadLetterExchange, type: "direct")
        let safeDeadLettering: [String: BusHeaderValue] = [
            "x-queue-type": .string("quorum"),
            "x-dead-letter-strategy": .string("at-least-once"),
            "x-overflow": .string("reject-publish"),
        ]
        for stage in Stage.allCases {
            try connection.declareQueue(stage.queue, arguments: workQueueArguments)
            try connection.bindQueue(stage.queue, exchange: Self.exchange, routingKey: stage.routingKey)

            for delay in retryDelays {
                var retry = safeDeadLettering
                retry["x-message-ttl"] = .int(delay.milliseconds)
                retry["x-dead-letter-exchange"] = .string(Self.exchange)
                retry["x-dead-letter-routing-key"] = .string(stage.routingKey)
                let queue = stage.retryQueue(delay: delay)
                try connection.declareQueue(queue, arguments: retry)
                try connection.bindQueue(queue, exchange: Self.retryExchange, routingKey: queue)
            }

            try connection.declareQueue(stage.deadLetterQueue, arguments: ["x-queue-type": .string("quorum")])
            try connection.bindQueue(stage.deadLetterQueue, exchange: Self.deadLetterExchange, routingKey: stage.routingKey)
        }

        var intake = workQueueArguments
        intake["x-dead-letter-routing-key"] = .string(Self.intakeRoutingKey)
        try connection.declareQueue(Self.intakeQueue, arguments: intake)
        try connection.bindQueue(Self.intakeQueue, exchange: Self.exchange, routingKey: Self.intakeRoutingKey)
        try connection.declareExchange(Self.intakeExchange, type: "fanout")
        try connection.bindQueue(Self.intakeQueue, exchange: Self.intakeExchange, routingKey: "")
        try connection.declareQueue(Self.intakeRefusedQueue, arguments: [
            "x-queue-type": .string("quorum"), "x-message-ttl": .int(refusedRetention.milliseconds),
            "x-max-length": .int(Int64(refusedMaxLength)), "x-overflow": .string("drop-head"),
        ])
        try connection.bindQueue(Self.intakeRefusedQueue, exchange: Self.deadLetterExchange, routingKey: Self.intakeRoutingKey)
    }
}
