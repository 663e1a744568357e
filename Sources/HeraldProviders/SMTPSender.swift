import CCurl
import Foundation
import NIOPosix

/// Submits email over SMTP with libcurl: `connections` sessions, each an easy handle on a thread of its own that keeps
/// its connection open for the next message. libcurl waits for the reply to the end of DATA with a blocking read, so
/// sessions sharing one multi handle would all stall behind one slow or silent server; here a stalled session holds
/// up only its own message. A batch is queued once and its sessions take its messages in order.
package final class SMTPSender: EmailProvider, Sendable {
    let configuration: SMTPConfiguration
    private let pool: Pool
    private let thread: NIOThreadPool

    /// Owns the C pool; it is only freed once its thread has returned.
    final class Pool: @unchecked Sendable {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { herald_smtp_pool_free(pointer) }
    }

    package struct SetupFailed: Error, CustomStringConvertible {
        package var description: String { "libcurl could not set up its SMTP handles" }
    }

    package init(configuration: SMTPConfiguration) throws {
        self.configuration = configuration
        let timeoutMS = Int(configuration.timeout.components.seconds * 1000)
        let tls: herald_smtp_tls = switch configuration.tls {
        case .required: HERALD_SMTP_TLS_REQUIRED
        case .opportunistic: HERALD_SMTP_TLS_OPPORTUNISTIC
        case .none: HERALD_SMTP_TLS_NONE
        }
        let pointer = configuration.url.withCString { url in
            withOptionalCString(configuration.username) { username in
                withOptionalCString(configuration.password) { password in
                    withOptionalCString(configuration.caFile) { caFile in
                        var options = herald_smtp_options(
                            url: url, username: username, password: password, ca_file: caFile, tls: tls,
                            timeout_ms: timeoutMS)
                        return herald_smtp_pool_new(&options, Int32(configuration.connections))
                    }
                }
            }
        }
        guard let pointer else { throw SetupFailed() }
        let pool = Pool(pointer)
        self.pool = pool
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        thread.submit { _ in herald_smtp_pool_run(pool.pointer) }
    }

    /// Lets the sessions finish what they are sending; anything not yet started ends as a transient failure.
    package func shutdown() async throws {
        herald_smtp_pool_stop(pool.pointer)
        try await thread.shutdownGracefully()
    }

    package func send(
        _ messages: [MIMEMessage], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void
    ) async {
        await send(envelopes: messages.map { message in
            Envelope(from: message.envelopeFrom ?? message.from.address, to: message.to.address, data: message.rendered(),
                     messageID: message.messageID)
        }, completed: completed)
    }

    /// One mail as SMTP carries it: envelope sender and recipient, and DATA.
    package struct Envelope: Sendable {
        package var from: String
        package var to: String
        package var data: [UInt8]
        /// The provider id an accepted one reports.
        package var messageID: String

        package init(from: String, to: String, data: [UInt8], messageID: String) {
            self.from = from
            self.to = to
            self.data = data
            self.messageID = messageID
        }
    }

    /// Mail already in its SMTP form (the benchmark's reports to herald-inbound).
    package func send(envelopes: [Envelope], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) async {
        guard !envelopes.isEmpty else { return }
        let batch = Batch(envelopes, completed: completed)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            batch.submit(to: pool.pointer, continuation: continuation)
        }
    }

    /// The C side of one batch: the items and the bytes they point to, alive until the pool is done with them.
    final class Batch: @unchecked Sendable {
        let count: Int
        let items: UnsafeMutablePointer<herald_smtp_item>
        let batch: UnsafeMutablePointer<herald_smtp_batch>
        let messageIDs: [String]
        let completed: @Sendable (Int, DeliveryOutcome) -> Void
        private var allocations: [UnsafeMutableRawPointer] = []
        private var continuation: CheckedContinuation<Void, Never>?

        init(_ envelopes: [Envelope], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) {
            count = envelopes.count
            messageIDs = envelopes.map(\.messageID)
            self.completed = completed
            items = .allocate(capacity: count)
            batch = .allocate(capacity: 1)
            for (index, envelope) in envelopes.enumerated() {
                items[index] = herald_smtp_item(
                    from: cString("<\(envelope.from)>"), to: cString("<\(envelope.to)>"),
                    data: bytes(envelope.data), length: envelope.data.count, result: herald_smtp_result())
            }
        }

        private func cString(_ text: String) -> UnsafePointer<CChar> {
            let pointer = strdup(text)!
            allocations.append(UnsafeMutableRawPointer(pointer))
            return UnsafePointer(pointer)
        }

        private func bytes(_ data: [UInt8]) -> UnsafePointer<CChar> {
            let pointer = malloc(max(data.count, 1))!
            data.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { pointer.copyMemory(from: base, byteCount: bytes.count) }
            }
            allocations.append(pointer)
            return UnsafePointer(pointer.assumingMemoryBound(to: CChar.self))
        }

        /// Hands the batch to the pool, which holds a reference to it until `done`.
        func submit(to pool: OpaquePointer, continuation: CheckedContinuation<Void, Never>) {
            self.continuation = continuation
            let context = Unmanaged.passRetained(self).toOpaque()
            batch.initialize(to: herald_smtp_batch(
                items: items, count: count,
                item_done: { context, index in
                    let batch = Unmanaged<Batch>.fromOpaque(context!).takeUnretainedValue()
                    batch.completed(index, SMTPSender.outcome(batch.items[index].result, messageID: batch.messageIDs[index]))
                },
                done: { context in Unmanaged<Batch>.fromOpaque(context!).takeRetainedValue().finish() },
                context: context, next: 0, remaining: 0, link: nil))
            herald_smtp_pool_submit(pool, batch)
        }

        private func finish() {
            continuation?.resume()
            continuation = nil
        }

        deinit {
            for pointer in allocations { free(pointer) }
            items.deallocate()
            batch.deallocate()
        }
    }

    static func outcome(_ result: herald_smtp_result, messageID: String) -> DeliveryOutcome {
        guard result.curl_code != 0 else { return .accepted(providerID: messageID) }
        let text = withUnsafeBytes(of: result.message) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        let reply = result.reply_code
        let description = reply > 0 && !text.hasPrefix("\(reply)") ? "SMTP \(reply): \(text)" : (reply > 0 ? "SMTP \(text)" : text)
        // A refused login is the fleet's configuration, not the message: retry so it goes out once it is fixed.
        if herald_smtp_is_login_denied(result.curl_code) != 0 { return .transient(description) }
        // TLS is required (credentials, or HERALD_SMTP_TLS=required) and the server would not start it: nothing was
        // sent, not even AUTH; retry, so the mail goes once the server is fixed.
        if herald_smtp_is_tls_refused(result.curl_code) != 0 {
            return .transient("the SMTP server offered no STARTTLS, and TLS is required (HERALD_SMTP_TLS, or credentials in HERALD_SMTP_URL): nothing was sent")
        }
        if (500..<600).contains(reply) { return .permanent(description) }
        return .transient(description)
    }
}

private func withOptionalCString<T>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
