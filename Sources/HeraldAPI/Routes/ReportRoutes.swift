import HeraldIntake
import HeraldPipeline
import Foundation
import HeraldCore
import HeraldProviders
import HeraldRuntime
import HeraldStore
import Hummingbird
import Metrics

/// Delivery reports Tyntec pushes: each SMS herald-sms sends with `HERALD_PUBLIC_URL` set carries a `callbackUrl`
/// of `/v1/providers/tyntec/reports/{token}`, the token naming the message and signed with `HERALD_TOKEN_SECRET`
/// (a forged, foreign or unknown one is a 404 and changes nothing). A report moves the message forward only and is
/// committed before the 2xx; a duplicate, late or stale report is answered 200 so that Tyntec stops, and one that
/// outran the sender (the message is not `sent` yet) a 409, so that Tyntec sends it again. Reports arriving together
/// share one statement (`GroupCommit`).
struct ReportRoutes: Sendable {
    let reports: GroupCommit<UUID, DeliveryReport, DeliveryReportOutcome>
    let tokens: ProviderTokens?

    init(store: any ReportLedger, tokens: ProviderTokens?, grace: Duration) {
        reports = GroupCommit(missing: .unknown, key: \.messageID) { batch in try await store.apply(batch, grace: grace) }
        self.tokens = tokens
    }

    static let outcomes = Dictionary(uniqueKeysWithValues: DeliveryReportOutcome.allCases.map {
        ($0, Counter(label: "herald_delivery_reports_total", dimensions: [("outcome", $0.rawValue)]))
    })

    func add(to group: RouterGroup<HeraldRequestContext>) {
        group.post("tyntec/reports/:token", use: receive)
    }

    func receive(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        guard let tokens, let token = context.parameters.get("token"),
              let messageID = tokens.messageID(in: token, .tyntecReport)
        else {
            throw Problem.notFound("no such report URL")
        }
        let body = try await request.json(upTo: 64 << 10).1
        guard case .object(let fields) = body else {
            throw Problem.validation([.init("body", "must be a JSON object (Tyntec's message status)")])
        }
        var problems: [Problem.InvalidParam] = []
        let requestID = fields["requestId"]?.string
        if requestID?.isEmpty != false || requestID!.count > 200 {
            problems.append(.init("requestId", fields["requestId"] == nil ? "is required" : "must be a string of 1 to 200 characters"))
        }
        let status = DeliveryStatus(tyntec: fields)
        if status == nil { problems.append(.init("status", fields["status"] == nil ? "is required" : "must be a non-empty string")) }
        guard problems.isEmpty, let requestID, let status else { throw Problem.validation(problems) }

        let report: ReportedDelivery = switch status {
        case .delivered: .final(.delivered, detail: "reported by Tyntec")
        case .undeliverable(let detail): .final(.undeliverable, detail: detail)
        case .pending("BUFFERED"): .buffered(detail: "Tyntec BUFFERED")
        default: .pending
        }
        let outcome = try await reports.apply(DeliveryReport(messageID: messageID, requestID: requestID, delivery: report))
        Self.outcomes[outcome]?.increment()
        switch outcome {
        case .applied, .unchanged:
            return json(.ok, .object(["status": .string(outcome.rawValue)]))
        case .early:
            throw Problem(.conflict, type: "not-yet-sent", title: "The message is not sent yet",
                          detail: "the report came before the message was recorded as sent; send it again",
                          headers: [.retryAfter: "1"])
        case .unknown:
            throw Problem.notFound("no such message")
        }
    }
}
