import Foundation
package import HeraldBus
package import HeraldRuntime
package import HeraldStore
package import Logging
import Metrics
import ServiceLifecycle
import HTTPTypes

/// Stores the requests parked by `IntakeConsumer` as their tenants' rate limits allow: each pass takes every tenant
/// whose oldest waiting request is due and tries its requests in order until one must wait again (then that one
/// carries the time to try next). A request refused meanwhile (its key revoked, a template gone) goes to
/// `herald.intake.refused` like any refusal. Replicas release different tenants (an advisory lock per tenant).
package struct ParkedIntakeRelease: Service {
    let parked: ParkedRequestStore
    let keys: any KeyDirectory
    let intake: MessageIntake
    /// Requests larger than this are refused, as over HTTP.
    let maxBodySize: Int
    let bus: BusClient
    let interval: Duration
    let watchdog: Watchdog
    let logger: Logger

    package init(
        parked: ParkedRequestStore, keys: any KeyDirectory, intake: MessageIntake, maxBodySize: Int, bus: BusClient,
        interval: Duration, watchdog: Watchdog, logger: Logger
    ) {
        self.parked = parked
        self.keys = keys
        self.intake = intake
        self.maxBodySize = maxBodySize
        self.bus = bus
        self.interval = interval
        self.watchdog = watchdog
        self.logger = logger
    }

    let stored = Counter(label: "herald_intake_requests_total", dimensions: [("outcome", "stored")])
    let refused = Counter(label: "herald_intake_requests_total", dimensions: [("outcome", "refused")])

    /// Requests of one tenant tried in one transaction.
    static let perTenant = 100

    package func run() async throws {
        await repeatPasses("release of parked intake requests", interval: interval, watchdog: watchdog, logger: logger) {
            try await releaseDue() >= Self.perTenant
        }
    }

    /// One pass; returns the most requests one tenant had released, so a busy pass is followed at once by another.
    @discardableResult
    func releaseDue() async throws -> Int {
        var most = 0
        for tenantID in try await parked.dueTenants() {
            guard !Task.isShuttingDownGracefully else { break }
            let count = try await parked.release(tenantID: tenantID, limit: Self.perTenant) { request in
                try await decide(request)
            }
            most = max(most, count)
        }
        return most
    }

    func decide(_ request: ParkedRequest) async throws -> ParkedRequestStore.Disposition {
        guard let principal = try await keys.principal(keyID: request.apiKeyID) else {
            try await refuse(Problem.unauthorized("the API key was revoked while the request waited for the rate limit"), request)
            return .done
        }
        switch try await IntakeConsumer.accept(
            request.body, principal: principal, idempotencyKey: request.idempotencyKey, intake: intake,
            maxBodySize: maxBodySize)
        {
        case .stored:
            stored.increment()
            return .done
        case .refused(let problem):
            try await refuse(problem, request)
            return .done
        case .rateLimited(let wait):
            return .wait(wait)
        }
    }

    func refuse(_ problem: Problem, _ request: ParkedRequest) async throws {
        let key = request.idempotencyKey.hasPrefix(IntakeConsumer.madeKeyPrefix) ? nil : request.idempotencyKey
        try await bus.publish(IntakeConsumer.refusal(problem, body: request.body, idempotencyKey: key))
        refused.increment()
        logger.info("parked intake request refused", metadata: [
            "problem": "\(problem.type)", "status": "\(problem.status.code)",
        ])
    }
}
