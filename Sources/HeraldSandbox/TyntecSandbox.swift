package import Foundation
import HeraldCore
import HeraldRendering
package import Hummingbird
import NIOCore
import Synchronization

/// A Tyntec-compatible SMS API (v1) for demos, tests and benchmarks: the same paths, `apikey` header, JSON fields
/// and RFC 7807 problems. Accepted messages move `ACCEPTED` -> `BUFFERED` -> a final state over time. Which final
/// state is decided per message: numbers ending in 9901, 9902 and 9903 end `EXPIRED`, `REJECTED` and
/// `UNDELIVERABLE`; 9904 stays `BUFFERED` for ever; any other number fails with `failureShare` odds. A share of
/// requests can be answered 429 with `Retry-After`, as a provider rationing its clients would. An SMS sent with a
/// `callbackUrl` gets its reports pushed there (`BUFFERED`, then the final state), retried every second until a 2xx,
/// as Tyntec does; duplicates, reordering and lateness can be switched on. With an inbound URL, `POST /sms/inbound`
/// (the inbox page's form) sends a recipient's reply there as Tyntec's InboundMessage.
package final class TyntecSandbox: Sendable {
    package struct Settings: Sendable {
        package var apiKey: String
        /// How long a message stays `ACCEPTED`, then until it is final.
        package var acceptedFor: Duration
        package var finalAfter: Duration
        /// Share (0...1) of other messages that end in a failure state.
        package var failureShare: Double
        /// Shares (0...1) of sends and of status polls answered 429.
        package var sendRateLimitShare: Double
        package var pollRateLimitShare: Double
        /// Share (0...1) of pushed reports sent twice.
        package var duplicateShare: Double
        /// Pushes the final state before `BUFFERED`.
        package var reorder: Bool
        /// Each push waits up to this much more, at random.
        package var lateness: Duration
        /// Where `POST /sms/inbound` sends replies (herald-api's inbound URL with its token).
        package var inboundURL: String?

        package init(apiKey: String = "sandbox-key", acceptedFor: Duration = .milliseconds(200),
                    finalAfter: Duration = .milliseconds(800), failureShare: Double = 0,
                    sendRateLimitShare: Double = 0, pollRateLimitShare: Double = 0, duplicateShare: Double = 0,
                    reorder: Bool = false, lateness: Duration = .zero, inboundURL: String? = nil) {
            self.apiKey = apiKey
            self.acceptedFor = acceptedFor
            self.finalAfter = finalAfter
            self.failureShare = failureShare
            self.sendRateLimitShare = sendRateLimitShare
            self.pollRateLimitShare = pollRateLimitShare
            self.duplicateShare = duplicateShare
            self.reorder = reorder
            self.lateness = lateness
            self.inboundURL = inboundURL
        }
    }

    /// One message as the sandbox keeps it.
    package struct SMS: Sendable {
        package let requestID: String
        package let to: String
        package let from: String
        package let message: String
        package let reference: String?
        package let submittedAt: ContinuousClock.Instant
        package let submitDate: Date
        let fate: Fate
        /// When each status poll for it came in.
        package var polls: [ContinuousClock.Instant] = []
    }

    enum Fate: Sendable {
        case delivered
        case failed(state: String, code: String, reason: String)
        case neverFinal
    }

    struct State {
        var messages: [String: SMS] = [:]
        var order: [String] = []
        var sent = 0
        var polls = 0
        var refused = 0
        /// Pushes answered 2xx, and answered otherwise (each retried).
        var pushed = 0
        var pushRefused = 0
    }

    package let settings: Settings
    let state = Mutex(State())

    package init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Everything received, oldest first.
    package var messages: [SMS] {
        state.withLock { state in state.order.compactMap { state.messages[$0] } }
    }

    package var counts: (sent: Int, polls: Int, refused: Int) {
        state.withLock { ($0.sent, $0.polls, $0.refused) }
    }

    /// Pushes (reports and inbound SMS) answered 2xx, and answered otherwise.
    package var pushes: (acknowledged: Int, refused: Int) {
        state.withLock { ($0.pushed, $0.pushRefused) }
    }

    package func add(to router: Router<some RequestContext>) {
        router.post("messaging/v1/sms") { request, context in
            try await self.send(request, context: context)
        }
        router.get("messaging/v1/messages/:requestId") { request, context in
            try self.status(request, requestID: context.parameters.get("requestId") ?? "")
        }
        router.post("sms/inbound") { request, _ in
            try await self.inbound(request)
        }
        router.get("sms") { _, _ in
            let (sent, polls, refused, pushed, pushRefused, recent) = self.state.withLock { state in
                (state.sent, state.polls, state.refused, state.pushed, state.pushRefused,
                 state.order.suffix(100).reversed().compactMap { state.messages[$0] })
            }
            let items: [JSONValue] = recent.map { sms in
                .object([
                    "requestId": .string(sms.requestID), "to": .string(sms.to), "from": .string(sms.from),
                    "message": .string(sms.message), "status": .string(self.deliveryState(sms).state),
                    "polls": .int(Int64(sms.polls.count)),
                ])
            }
            return Self.json(.ok, .object([
                "count": .int(Int64(sent)), "polls": .int(Int64(polls)), "refused": .int(Int64(refused)),
                "pushed": .int(Int64(pushed)), "push_refused": .int(Int64(pushRefused)), "recent": .array(items),
            ]))
        }
    }

    private func send(_ request: Request, context: some RequestContext) async throws -> Response {
        if let refusal = authorize(request, rateLimitShare: settings.sendRateLimitShare) { return refusal }
        let bytes = try await request.body.collect(upTo: 1 << 16)
        guard let body = try? JSONValue.parse(bytes.readableBytesView), let object = body.object else {
            return Self.problem(.badRequest, "DataNotParseable", "The given data were not parsable.", "the body is not a JSON object")
        }
        guard let to = object["to"]?.string, PhoneNumber.isE164(to) else {
            return Self.problem(.badRequest, "InvalidDestination", "Invalid destination number",
                                "'to' must be a phone number in E.164 format, got \(object["to"]?.encoded() ?? "nothing")")
        }
        guard let from = object["from"]?.string, (try? SMSSenderID(from)) != nil else {
            return Self.problem(.badRequest, "InvalidSender", "Invalid sender",
                                "'from' must be a phone number or at most 11 alphanumeric characters, got \(object["from"]?.encoded() ?? "nothing")")
        }
        guard let message = object["message"]?.string, !message.isEmpty else {
            return Self.problem(.badRequest, "MissingMessage", "Missing message", "'message' is required")
        }
        let callbackURL = object["callbackUrl"]?.string
        if object["callbackUrl"] != nil {
            guard let callbackURL, callbackURL.hasPrefix("http://") || callbackURL.hasPrefix("https://"),
                  object["callbackMethod"]?.string == "POST"
            else {
                return Self.problem(.badRequest, "InvalidCallback", "Invalid callback",
                                    "'callbackUrl' must be an http(s) URL and 'callbackMethod' POST")
            }
        }
        let requestID = UUID().uuidString.lowercased()
        let sms = SMS(
            requestID: requestID, to: to, from: from, message: message, reference: object["reference"]?.string,
            submittedAt: .now, submitDate: Date(), fate: fate(for: to, requestID: requestID))
        state.withLock { state in
            state.messages[requestID] = sms
            state.order.append(requestID)
            state.sent += 1
        }
        if let callbackURL { report(sms, to: callbackURL) }
        return Self.json(.ok, .object(["requestId": .string(requestID)]))
    }

    private func status(_ request: Request, requestID: String) throws -> Response {
        if let refusal = authorize(request, rateLimitShare: settings.pollRateLimitShare) { return refusal }
        let now = ContinuousClock.now
        guard let sms = state.withLock({ state -> SMS? in
            state.messages[requestID]?.polls.append(now)
            state.polls += 1
            return state.messages[requestID]
        }) else {
            return Self.problem(.notFound, "NotFound", "Not Found", "no message with requestId '\(requestID)'")
        }
        let (deliveryState, code, reason) = deliveryState(sms)
        var object: [String: JSONValue] = [
            "requestId": .string(sms.requestID), "status": .string(deliveryState), "to": .string(sms.to),
            "from": .string(sms.from), "size": .int(Int64(SMSEncoding(sms.message).segments)),
            "submitDate": .string(sms.submitDate.formatted(.iso8601)),
            "parts": .array([.object([
                "partId": .string("\(sms.requestID):0"), "deliveryState": .string(deliveryState),
                "errorCode": code.map(JSONValue.string) ?? .null,
            ])]),
        ]
        if let reference = sms.reference { object["reference"] = .string(reference) }
        if let code { object["errorCode"] = .string(code) }
        if let reason { object["errorReason"] = .string(reason) }
        return Self.json(.ok, .object(object))
    }

    /// Where a message is now, from the time since it was submitted and its fate.
    func deliveryState(_ sms: SMS) -> (state: String, code: String?, reason: String?) {
        let age = ContinuousClock.now - sms.submittedAt
        if age < settings.acceptedFor { return ("ACCEPTED", nil, nil) }
        if age < settings.finalAfter { return ("BUFFERED", nil, nil) }
        return finalState(sms.fate)
    }

    func finalState(_ fate: Fate) -> (state: String, code: String?, reason: String?) {
        switch fate {
        case .delivered: ("DELIVERED", nil, nil)
        case .neverFinal: ("BUFFERED", nil, nil)
        case .failed(let state, let code, let reason): (state, code, reason)
        }
    }

    private func fate(for to: String, requestID: String) -> Fate {
        let failures: [Fate] = [
            .failed(state: "EXPIRED", code: "27", reason: "Absent subscriber"),
            .failed(state: "REJECTED", code: "13", reason: "Call barred"),
            .failed(state: "UNDELIVERABLE", code: "1", reason: "Unknown subscriber"),
        ]
        switch to.suffix(4) {
        case "9901": return failures[0]
        case "9902": return failures[1]
        case "9903": return failures[2]
        case "9904": return .neverFinal
        default:
            guard settings.failureShare > 0, Double.random(in: 0..<1) < settings.failureShare else { return .delivered }
            return failures.randomElement()!
        }
    }

    /// A refusal for a missing or wrong key, or a 429 for the configured share; nil to go on.
    private func authorize(_ request: Request, rateLimitShare: Double) -> Response? {
        guard request.headers[Self.apiKeyHeader] == settings.apiKey else {
            state.withLock { $0.refused += 1 }
            return Self.problem(.unauthorized, "Unauthorized", "Unauthorized", "missing or invalid apikey header")
        }
        if rateLimitShare > 0, Double.random(in: 0..<1) < rateLimitShare {
            state.withLock { $0.refused += 1 }
            var response = Self.problem(.tooManyRequests, "TooManyRequests", "Too Many Requests", "request rate exceeded")
            response.headers[.retryAfter] = "1"
            return response
        }
        return nil
    }

    static let apiKeyHeader = HTTPFields.Element.Name("apikey")!

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.encoded())))
    }

    static func problem(_ status: HTTPResponse.Status, _ type: String, _ title: String, _ detail: String) -> Response {
        Response(status: status, headers: [.contentType: "application/problem+json"], body: .init(byteBuffer: ByteBuffer(
            string: JSONValue.object([
                "type": .string("https://docs.tyntec.com/problems/\(type)"), "title": .string(title),
                "status": .int(Int64(status.code)), "detail": .string(detail),
            ]).encoded())))
    }
}
