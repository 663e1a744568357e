import HeraldPipeline
import Foundation
package import HeraldBus
import HeraldCore
package import HeraldRuntime
package import HeraldStore
package import Logging
import Metrics
import ServiceLifecycle
import HTTPTypes

/// Consumes `herald.intake`: message requests that applications publish straight onto the broker. Each carries the
/// JSON of `POST /v1/messages` (or of `POST /v1/procedures`: a body with a `messages` field), the API key in an
/// `Authorization: Bearer <key>` header and optionally an `Idempotency-Key` header, and goes through exactly what the
/// HTTP routes do (`MessageIntake.accept`): the key's tenant, validation, templates, recipients, rate limit, storage.
///
/// A request leaves the queue (is acked) only once it is stored or refused:
/// - stored: acked after the commit;
/// - refused (any 4xx the API would answer, except a rate limit): published, confirmed, to `herald.intake.refused`
///   with its problem document, then acked;
/// - over the tenant's rate limit, or behind the tenant's requests already waiting for it: parked in the database
///   (`ParkedRequestStore`), then acked; `ParkedIntakeRelease` stores it once the limit allows. A tenant over its
///   limit so holds no consumer slot and no prefetched delivery, and the other tenants' requests flow past;
/// - anything else (database or broker unreachable): tried again with backoff; on shutdown it goes back to the queue.
/// A consumer killed between the commit and the ack leaves the request to be delivered again: with an
/// `Idempotency-Key` that finds the stored answer and stores nothing twice. An attempt that outlives
/// `HERALD_STALL_SECONDS` ends the process (see `Watchdog`), for the same reason.
package struct IntakeConsumer: Service {
    let bus: BusClient
    let intake: MessageIntake
    let keys: KeyAuthenticator
    let parked: ParkedRequestStore
    let concurrency: Int
    /// Requests larger than this are refused, as over HTTP.
    let maxBodySize: Int
    /// Bounds each attempt at a request (not the waits between attempts): a database pool that stops answering
    /// ends the process, whose supervisor restarts it, and the request is delivered again.
    let watchdog: Watchdog
    let logger: Logger

    package init(
        bus: BusClient, intake: MessageIntake, keys: KeyAuthenticator, parked: ParkedRequestStore, concurrency: Int,
        maxBodySize: Int, watchdog: Watchdog, logger: Logger
    ) {
        self.bus = bus
        self.intake = intake
        self.keys = keys
        self.parked = parked
        self.concurrency = concurrency
        self.maxBodySize = maxBodySize
        self.watchdog = watchdog
        self.logger = logger
    }

    let accepted = Counter(label: "herald_intake_requests_total", dimensions: [("outcome", "stored")])
    let refused = Counter(label: "herald_intake_requests_total", dimensions: [("outcome", "refused")])
    /// Requests parked for their tenant's rate limit (counted again as stored or refused when released).
    let held = Counter(label: "herald_intake_rate_limited_total")

    package func run() async throws {
        try await Topology.verifyIntake(on: bus)
        let consumer = StageConsumer(
            bus: bus, queue: Topology.intakeQueue, itemName: "intake requests", prefetch: UInt16(clamping: concurrency * 2),
            concurrency: concurrency, maxBatch: 1, logger: logger
        ) { batch in
            for delivery in batch { await handle(delivery) }
        }
        try await consumer.run()
    }

    enum Decision {
        case stored
        case refused(Problem)
        /// Over the tenant's rate limit (or behind its waiting requests): parked until the limit allows it.
        case parked
    }

    /// Settles one request: stored or refused, or back to the queue if the process stops before either.
    func handle(_ delivery: BusDelivery) async {
        var backoff = Duration.milliseconds(200)
        while !Task.isShuttingDownGracefully {
            do {
                switch try await watchdog.guarding("an intake request", { try await decide(delivery) }) {
                case .stored:
                    accepted.increment()
                    bus.ack(delivery)
                    return
                case .refused(let problem):
                    try await bus.publish(Self.refusal(
                        problem, body: delivery.body, idempotencyKey: header("Idempotency-Key", of: delivery)))
                    refused.increment()
                    logger.info("intake request refused", metadata: [
                        "problem": "\(problem.type)", "status": "\(problem.status.code)",
                    ])
                    bus.ack(delivery)
                    return
                case .parked:
                    held.increment()
                    bus.ack(delivery)
                    return
                }
            } catch {
                guard !Task.isShuttingDownGracefully else { break }
                logger.warning("intake request not settled; trying again", metadata: [
                    "error": "\(ProcessRuntime.describe(error))", "retry_in": "\(backoff)",
                ])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
        bus.reject(delivery, requeue: true)
    }

    /// What the API would answer this request, as a decision; errors other than problems (an unreachable database)
    /// are thrown, to be tried again.
    func decide(_ delivery: BusDelivery) async throws -> Decision {
        let idempotencyKey = header("Idempotency-Key", of: delivery).flatMap { $0.isEmpty ? nil : $0 }
        let principal: Principal
        do {
            principal = try await keys.principal(authorization: header("Authorization", of: delivery))
        } catch let problem as Problem {
            return .refused(problem)
        }
        // Behind requests of the same tenant already waiting: wait too, so that they go in the order they came.
        if try await parked.hasParked(tenantID: principal.tenantID) {
            do {
                if try await intake.replay(idempotencyKey, tenantID: principal.tenantID, body: delivery.body) != nil {
                    return .stored
                }
            } catch let problem as Problem {
                return .refused(problem)
            }
            try await park(delivery.body, principal: principal, idempotencyKey: idempotencyKey)
            return .parked
        }
        switch try await Self.accept(
            delivery.body, principal: principal, idempotencyKey: idempotencyKey, intake: intake, maxBodySize: maxBodySize)
        {
        case .stored: return .stored
        case .refused(let problem): return .refused(problem)
        case .rateLimited:
            try await park(delivery.body, principal: principal, idempotencyKey: idempotencyKey)
            return .parked
        }
    }

    /// Parks a request with its idempotency key, or a new one, so that releasing it twice stores it once.
    func park(_ body: [UInt8], principal: Principal, idempotencyKey: String?) async throws {
        try await parked.park(
            tenantID: principal.tenantID, apiKeyID: principal.keyID,
            idempotencyKey: idempotencyKey ?? "\(Self.madeKeyPrefix)\(UUID().uuidString.lowercased())", body: body)
    }

    /// The idempotency keys made for parked requests that came without one (never shown as the client's).
    static let madeKeyPrefix = "herald-parked-"

    enum Acceptance {
        case stored
        case refused(Problem)
        case rateLimited(retryAfter: Duration)
    }

    /// Accepts a request's bytes for a principal as `POST /v1/messages` (or `/v1/procedures`, for a body with
    /// `messages`) would; throws what is not the request's fault (the database, the broker).
    static func accept(
        _ bytes: [UInt8], principal: Principal, idempotencyKey: String?, intake: MessageIntake, maxBodySize: Int
    ) async throws -> Acceptance {
        do {
            guard bytes.count <= maxBodySize else { throw Problem.tooLarge(limit: maxBodySize) }
            let body = try JSONValue.requestBody(bytes)
            let kind: MessageIntake.AcceptKind = body.object?["messages"] == nil ? .message : .procedure
            _ = try await intake.accept(kind, bytes: bytes, body: body, principal: principal, idempotencyKey: idempotencyKey)
            return .stored
        } catch let problem as Problem where problem.status == .tooManyRequests {
            let seconds = problem.headers[.retryAfter].flatMap { Int($0) } ?? 1
            return .rateLimited(retryAfter: .seconds(min(max(seconds, 1), 60)))
        } catch let problem as Problem {
            return .refused(problem)
        }
    }

    /// The refusal for `herald.intake.refused`: the problem document, the request as it came (never its key) and
    /// its idempotency key, with the status and problem type in headers for filtering.
    static func refusal(_ problem: Problem, body: [UInt8], idempotencyKey: String?) -> BusMessage {
        var envelope: [String: JSONValue] = [
            "problem": problem.json, "refused_at": .string(Timestamp.string(Date())),
        ]
        if let text = String(validating: body, as: UTF8.self) {
            envelope["request"] = .string(text)
        } else {
            envelope["request_base64"] = .string(Data(body).base64EncodedString())
        }
        var headers: [String: BusHeaderValue] = [
            "x-herald-status": .int(Int64(problem.status.code)), "x-herald-problem": .string(problem.type),
        ]
        if let key = idempotencyKey {
            envelope["idempotency_key"] = .string(key)
            headers["Idempotency-Key"] = .string(key)
        }
        return BusMessage(
            exchange: Topology.deadLetterExchange, routingKey: Topology.intakeRoutingKey,
            body: Array(JSONValue.object(envelope).encoded().utf8), headers: headers)
    }

    /// A header's value, its name matched without regard to case as HTTP does.
    func header(_ name: String, of delivery: BusDelivery) -> String? {
        delivery.headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value.stringValue
    }
}
