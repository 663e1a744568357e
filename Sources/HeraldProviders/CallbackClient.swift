import AsyncHTTPClient
import Crypto
package import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1

/// How delivery-status callbacks are POSTed.
package struct CallbackConfiguration: Sendable {
    /// The whole exchange with a receiver, connecting included.
    package var timeout: Duration
    /// Keep-alive connections per receiver host.
    package var connectionsPerHost: Int
    /// Which addresses receivers may be on, checked before every POST.
    package var addresses: CallbackAddressPolicy

    package init(
        timeout: Duration = .seconds(5), connectionsPerHost: Int = 32,
        addresses: CallbackAddressPolicy = CallbackAddressPolicy()
    ) {
        self.timeout = timeout
        self.connectionsPerHost = connectionsPerHost
        self.addresses = addresses
    }
}

/// POSTs delivery-status callbacks to tenants' receivers over pooled keep-alive connections (AsyncHTTPClient), each
/// signed with the tenant's secret: `Herald-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
/// Any 2xx answer settles a callback; anything else, or no answer in time, is a failure to retry. Before each POST the
/// receiver's address is checked against the address policy again. What a receiver answers is read and dropped: only
/// its status is kept, so nothing it quotes back (an address, a body) reaches the ledger or a log.
package final class CallbackClient: Sendable {
    package let configuration: CallbackConfiguration
    let http: HTTPClient

    package init(configuration: CallbackConfiguration) {
        self.configuration = configuration
        var settings = HTTPClient.Configuration()
        settings.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.connectionsPerHost)
        settings.timeout = .init(connect: .seconds(5), read: .nanoseconds(configuration.timeout.nanoseconds))
        settings.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
    }

    package func shutdown() async throws {
        try await http.shutdown()
    }

    /// POSTs one callback; nil when the receiver took it, else why not.
    package func post(to url: String, body: [UInt8], secret: String, id: UUID, now: Date = Date()) async -> String? {
        let target: CallbackAddressPolicy.Target
        do {
            target = try await configuration.addresses.check(url)
        } catch {
            return "the callback URL is refused: \(error)"
        }
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        if let host = target.hostHeader { request.headers.add(name: "Host", value: host) }
        let timestamp = Int(now.timeIntervalSince1970)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Herald-Callbacks/1")
        request.headers.add(name: "Herald-Callback-Id", value: id.uuidString.lowercased())
        request.headers.add(name: "Herald-Signature", value: "t=\(timestamp),v1=\(Self.signature(secret: secret, timestamp: timestamp, body: body))")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(configuration.timeout.nanoseconds))
            // Read (at most 64 KiB of) the answer and drop it, so the connection can be kept for the next callback.
            _ = try await response.body.collect(upTo: 64 << 10)
            if (200..<300).contains(response.status.code) { return nil }
            return "the receiver answered \(response.status.code)"
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return "the receiver did not answer within \(configuration.timeout)"
        } catch {
            return "the receiver did not answer: \(error)"
        }
    }

    /// The hex HMAC-SHA256 of `"<timestamp>.<body>"` keyed by `secret`.
    package static func signature(secret: String, timestamp: Int, body: [UInt8]) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
