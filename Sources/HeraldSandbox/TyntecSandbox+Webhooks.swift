import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldRendering
import Hummingbird
import NIOCore
import Synchronization
import NIOHTTP1

/// The sandbox's side of Tyntec's webhooks: delivery reports pushed to an SMS's `callbackUrl`, and replies from the
/// inbox page's form sent on to herald-api's inbound URL, each POSTed until a 2xx as Tyntec does.
extension TyntecSandbox {
    /// Pushes the message's reports as its states come: `BUFFERED` once `acceptedFor` has passed, the final state at
    /// `finalAfter`, each perhaps twice, late, or in the other order, as the settings say.
    func report(_ sms: SMS, to url: String) {
        var reports: [(after: Duration, object: JSONValue)] = [(settings.acceptedFor, reportObject(sms, state: "BUFFERED"))]
        if case .neverFinal = sms.fate {} else {
            let (final, code, reason) = finalState(sms.fate)
            reports.append((settings.finalAfter, reportObject(sms, state: final, code: code, reason: reason)))
        }
        if settings.reorder, reports.count == 2 { reports = [(reports[0].after, reports[1].object), (reports[1].after, reports[0].object)] }
        let settings = settings
        for (after, object) in reports {
            let copies = settings.duplicateShare > 0 && Double.random(in: 0..<1) < settings.duplicateShare ? 2 : 1
            for _ in 0..<copies {
                let late = settings.lateness * Double.random(in: 0...1)
                Task {
                    try? await Task.sleep(until: sms.submittedAt + after + late, clock: .continuous)
                    await self.push(object, to: url)
                }
            }
        }
    }

    func reportObject(_ sms: SMS, state: String, code: String? = nil, reason: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = [
            "requestId": .string(sms.requestID), "status": .string(state), "to": .string(sms.to), "from": .string(sms.from),
            "doneDate": .string(Date().formatted(.iso8601)),
            "parts": .array([.object(["partId": .string("\(sms.requestID):0"), "deliveryState": .string(state)])]),
        ]
        if let reference = sms.reference { object["reference"] = .string(reference) }
        if let code { object["errorCode"] = .string(code) }
        if let reason { object["errorReason"] = .string(reason) }
        return .object(object)
    }

    /// POSTs until a 2xx, once a second (Tyntec retries for up to 48 hours; the sandbox for 10 minutes).
    func push(_ object: JSONValue, to url: String) async {
        let body = object.encoded()
        for _ in 0..<600 {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
            let status = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code
            if let status, (200..<300).contains(status) {
                state.withLock { $0.pushed += 1 }
                return
            }
            state.withLock { $0.pushRefused += 1 }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// A reply from a recipient, from the inbox page's form (`from`, `to`, `text`), sent on as Tyntec sends one.
    func inbound(_ request: Request) async throws -> Response {
        guard let url = settings.inboundURL else {
            return Self.problem(.notFound, "NotFound", "Not Found", "the sandbox was started without --inbound-url")
        }
        let bytes = try await request.body.collect(upTo: 1 << 16)
        guard let object = (try? JSONValue.parse(bytes.readableBytesView))?.object,
              let from = object["from"]?.string, PhoneNumber.isE164(from), let to = object["to"]?.string,
              PhoneNumber.isE164(to), let text = object["text"]?.string, !text.isEmpty
        else {
            return Self.problem(.badRequest, "InvalidInbound", "Invalid inbound message",
                                "'from' and 'to' must be E.164 numbers and 'text' not empty")
        }
        let requestID = UUID().uuidString.lowercased()
        let message = JSONValue.object([
            "requestId": .string(requestID), "from": .string(from), "to": .string(to), "message": .string(text),
            "size": .int(Int64(SMSEncoding(text).segments)), "missingParts": .bool(false),
            "contentList": .array([.object([
                "msgId": .string(requestID), "sentDate": .string(Date().formatted(.iso8601)), "sequenceNumber": .int(1),
            ])]),
        ])
        Task { await self.push(message, to: url) }
        return Self.json(.accepted, .object(["requestId": .string(requestID)]))
    }
}
