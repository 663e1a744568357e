import AsyncHTTPClient
import Foundation
package import HeraldCore
import NIOCore
import NIOHTTP1

extension DeliveryStatus {
    /// What Tyntec's status of a message says, as a poll answers it or a delivery report pushes it (`status`,
    /// `errorCode`, `errorReason`, `parts`); nil without a `status`.
    package init?(tyntec object: [String: JSONValue]) {
        guard let status = object["status"]?.string?.uppercased(), !status.isEmpty else { return nil }
        switch status {
        case "DELIVERED":
            self = .delivered
        case "EXPIRED", "REJECTED", "UNDELIVERABLE":
            let part = object["parts"]?.array?.first?.object
            let code = object["errorCode"]?.string ?? part?["errorCode"]?.string
            let reason = object["errorReason"]?.string
            var detail = "Tyntec \(status)"
            if let code, !code.isEmpty { detail += ", error code \(code)" }
            if let reason, !reason.isEmpty { detail += ": \(reason.prefix(200))" }
            self = .undeliverable(detail)
        default:
            self = .pending(String(status.prefix(40)))
        }
    }
}

/// Tyntec's SMS API over HTTP(S): send (`POST /messaging/v1/sms`) and status (`GET /messaging/v1/messages/{id}`).
/// Pooled keep-alive connections through AsyncHTTPClient; the key travels in the `apikey` header only.
package final class TyntecClient: Sendable {
    package let configuration: TyntecConfiguration
    let http: HTTPClient

    package init(configuration: TyntecConfiguration) {
        self.configuration = configuration
        var settings = HTTPClient.Configuration()
        settings.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.connections)
        settings.timeout = .init(connect: .seconds(5), read: .nanoseconds(Int64(configuration.timeout.inSeconds * 1e9)))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
    }

    package func shutdown() async throws {
        try await http.shutdown()
    }

    package func send(_ sms: SMSSubmission) async -> DeliveryOutcome {
        var fields: [String: JSONValue] = [
            "to": .string(sms.to), "from": .string(sms.from), "message": .string(sms.message),
            "reference": .string(sms.reference), "encoding": .string("AUTO"),
            "validity": .string(String(max(1, Int(configuration.validity.inSeconds / 60)))),
        ]
        if let callbackURL = sms.callbackURL {
            fields["callbackUrl"] = .string(callbackURL)
            fields["callbackMethod"] = .string("POST")
        }
        let body = JSONValue.object(fields).encoded()
        var request = self.request("/messaging/v1/sms", method: .POST)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            (response, bytes) = try await execute(request)
        } catch {
            return .transient("Tyntec unreachable: \(error)")
        }
        switch response.status.code {
        case 200..<300:
            guard let requestID = Self.json(bytes)?.object?["requestId"]?.string, !requestID.isEmpty else {
                return .transient("Tyntec answered \(response.status.code) without a requestId")
            }
            return .accepted(providerID: requestID)
        case 429, 500..<600:
            return .transient(Self.problem(response, bytes), retryAfter: Self.retryAfter(response))
        case 408:
            return .transient(Self.problem(response, bytes))
        default:
            return .permanent(Self.problem(response, bytes))
        }
    }

    package func status(requestID: String) async -> DeliveryStatus {
        // Tyntec's ids are UUIDs; anything else is escaped as one path segment.
        let plain = requestID.utf8.allSatisfy {
            $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20)
        }
        let escaped = plain ? requestID : requestID.addingPercentEncoding(withAllowedCharacters: Self.segmentAllowed) ?? requestID
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            (response, bytes) = try await execute(request("/messaging/v1/messages/\(escaped)", method: .GET))
        } catch {
            return .unknown("Tyntec unreachable: \(error)")
        }
        switch response.status.code {
        case 200..<300:
            guard let object = Self.json(bytes)?.object, let status = DeliveryStatus(tyntec: object) else {
                return .unknown("Tyntec answered \(response.status.code) without a status")
            }
            return status
        case 429:
            return .slowDown(Self.retryAfter(response) ?? .seconds(1))
        default:
            return .unknown(Self.problem(response, bytes))
        }
    }

    static let segmentAllowed = CharacterSet.urlPathAllowed.subtracting(["/"])

    private func request(_ path: String, method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: configuration.baseURL + path)
        request.method = method
        request.headers.add(name: "apikey", value: configuration.apiKey)
        request.headers.add(name: "Accept", value: "application/json, application/problem+json")
        return request
    }

    private func execute(_ request: HTTPClientRequest) async throws -> (HTTPClientResponse, ByteBuffer) {
        let response = try await http.execute(request, timeout: .nanoseconds(Int64(configuration.timeout.inSeconds * 1e9)))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (response, bytes)
    }

    static func json(_ bytes: ByteBuffer) -> JSONValue? {
        try? JSONValue.parse(bytes.readableBytesView)
    }

    /// An RFC 7807 problem's `detail` (or `title`), with the status: what goes into `last_error`.
    static func problem(_ response: HTTPClientResponse, _ bytes: ByteBuffer) -> String {
        let object = json(bytes)?.object
        let text = object?["detail"]?.string ?? object?["title"]?.string
            ?? String(buffer: bytes).prefix(200).trimmingCharacters(in: .whitespacesAndNewlines)
        return "Tyntec \(response.status.code)" + (text.isEmpty ? "" : ": \(text)")
    }

    /// `Retry-After` in seconds (the HTTP-date form is read as "soon").
    static func retryAfter(_ response: HTTPClientResponse) -> Duration? {
        guard let raw = response.headers.first(name: "Retry-After") else { return nil }
        if let seconds = Double(raw.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return .milliseconds(Int64(seconds * 1000))
        }
        return .seconds(1)
    }
}
