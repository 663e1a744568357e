import CCurl
import Foundation
import NIOPosix
import Synchronization

/// Submits email over SMTP with libcurl. libcurl is blocking, so each submission runs on a thread pool of
/// `connections` threads, each lending a curl handle whose SMTP session stays open for the next message.
public final class SMTPSender: EmailProvider, Sendable {
    let configuration: SMTPConfiguration
    private let pool: NIOThreadPool
    private let handles: Mutex<[HandleBox]>

    /// Owns a curl handle; only the pool thread that took it from `handles` touches it.
    final class HandleBox: @unchecked Sendable {
        let handle: OpaquePointer
        init?() {
            guard let handle = herald_smtp_new() else { return nil }
            self.handle = handle
        }
        deinit { herald_smtp_free(handle) }
    }

    public init(configuration: SMTPConfiguration) {
        self.configuration = configuration
        pool = NIOThreadPool(numberOfThreads: configuration.connections)
        pool.start()
        handles = Mutex([])
    }

    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }

    public func send(_ message: MIMEMessage) async -> DeliveryOutcome {
        let data = message.rendered()
        let from = "<\(message.from.address)>"
        let to = "<\(message.to.address)>"
        do {
            return try await pool.runIfActive { [self] in
                let box = handles.withLock { $0.popLast() } ?? HandleBox()
                guard let box else { return .transient("could not create a curl handle") }
                let result = submit(handle: box.handle, from: from, to: to, data: data)
                handles.withLock { $0.append(box) }
                return Self.outcome(result, messageID: message.messageID)
            }
        } catch {
            return .transient("SMTP sender is shutting down")
        }
    }

    private func submit(handle: OpaquePointer, from: String, to: String, data: [UInt8]) -> herald_smtp_result {
        let timeoutMS = Int(configuration.timeout.components.seconds * 1000)
        let tls: herald_smtp_tls = switch configuration.tls {
        case .required: HERALD_SMTP_TLS_REQUIRED
        case .opportunistic: HERALD_SMTP_TLS_OPPORTUNISTIC
        case .none: HERALD_SMTP_TLS_NONE
        }
        return configuration.url.withCString { url in
            withOptionalCString(configuration.username) { username in
                withOptionalCString(configuration.password) { password in
                    withOptionalCString(configuration.caFile) { caFile in
                        var options = herald_smtp_options(
                            url: url, username: username, password: password, ca_file: caFile, tls: tls,
                            timeout_ms: timeoutMS)
                        return from.withCString { fromPointer in
                            to.withCString { toPointer in
                                var recipients: [UnsafePointer<CChar>?] = [toPointer]
                                return data.withUnsafeBufferPointer { bytes in
                                    bytes.withMemoryRebound(to: CChar.self) { chars in
                                        herald_smtp_send(handle, &options, fromPointer, &recipients, 1, chars.baseAddress, chars.count)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func outcome(_ result: herald_smtp_result, messageID: String) -> DeliveryOutcome {
        guard result.curl_code != 0 else { return .accepted(providerID: messageID) }
        let text = withUnsafeBytes(of: result.message) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        let reply = result.reply_code
        let description = reply > 0 && !text.hasPrefix("\(reply)") ? "SMTP \(reply): \(text)" : (reply > 0 ? "SMTP \(text)" : text)
        // A refused login is the fleet's configuration, not the message: retry so it goes out once it is fixed.
        if herald_smtp_is_login_denied(result.curl_code) != 0 { return .transient(description) }
        if (500..<600).contains(reply) { return .permanent(description) }
        return .transient(description)
    }
}

private func withOptionalCString<T>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
