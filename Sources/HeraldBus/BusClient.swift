import CRabbitMQ
import Foundation
package import Logging
import ServiceLifecycle
import Synchronization

/// A connection to RabbitMQ that publishes with confirms, consumes with manual acks and reconnects on its own.
///
/// rabbitmq-c is blocking and a connection is not thread-safe, so the connection lives on a thread of its own. Async
/// callers hand it commands through a locked queue and wake it through a pipe; the thread polls the socket and the pipe
/// together, so a publish or an ack never waits for a timeout, and it calls into the library at least twice per
/// heartbeat interval so heartbeats are serviced while idle.
///
/// As a `Service`, `run()` returns on graceful shutdown after the thread has flushed pending work and closed the
/// connection; list it before the services that use it so it stops after them.
package final class BusClient: Service, Sendable {
    /// Deliveries in the batches they arrived in: everything the broker had sent when the bus thread last read.
    package typealias Deliveries = AsyncThrowingStream<[BusDelivery], any Error>

    enum Settlement: Sendable {
        case ack
        case reject(requeue: Bool)
    }

    enum Command: @unchecked Sendable {
        case publish(PublishRequest)
        case settle(BusDelivery, Settlement)
        /// Runs on the bus thread with the open connection; the closure resumes its own continuation.
        case admin((AMQPConnection?, BusError?) -> Void)
        case consume(queue: String, prefetch: UInt16, Deliveries.Continuation)
        case stopConsuming
    }

    final class PublishRequest: @unchecked Sendable {
        let messages: [BusMessage]
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, any Error>
        var unconfirmed: Int
        var failure: BusError?

        init(messages: [BusMessage], deadline: ContinuousClock.Instant, continuation: CheckedContinuation<Void, any Error>) {
            self.messages = messages
            self.deadline = deadline
            self.continuation = continuation
            self.unconfirmed = messages.count
        }
    }

    struct Inbox {
        var commands: [Command] = []
        var shuttingDown = false
    }

    package let configuration: AMQPConfiguration
    /// How long a publish may wait for its confirm, including time spent reconnecting.
    package let publishTimeout: Duration
    let logger: Logger
    private let inbox = Mutex(Inbox())
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let finished = Mutex<[CheckedContinuation<Void, Never>]?>([])

    /// Connects, failing at once with a clear error when the broker cannot be reached or refuses the login.
    package static func connect(
        _ configuration: AMQPConfiguration, publishTimeout: Duration = .seconds(30), logger: Logger
    ) async throws -> BusClient {
        let client = try BusClient(configuration: configuration, publishTimeout: publishTimeout, logger: logger)
        try await withCheckedThrowingContinuation { (started: CheckedContinuation<Void, any Error>) in
            let thread = Thread { client.threadMain(started: started) }
            thread.name = "herald-amqp"
            thread.start()
        }
        return client
    }

    private init(configuration: AMQPConfiguration, publishTimeout: Duration, logger: Logger) throws {
        self.configuration = configuration
        self.publishTimeout = publishTimeout
        var logger = logger
        logger[metadataKey: "amqp.broker"] = "\(configuration)"
        self.logger = logger
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0,
              fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0, fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0
        else {
            throw BusError(.protocolError, "could not create a wake pipe: errno \(errno)")
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        Foundation.close(wakeRead)
        Foundation.close(wakeWrite)
    }

    // MARK: Public API

    /// Publishes and returns once the broker has confirmed every message, or throws: `unroutable` when no queue is
    /// bound for a routing key, `rejected` on a nack, `connectionLost` or `timeout` when the outcome is unknown.
    package func publish(_ messages: [BusMessage]) async throws {
        guard !messages.isEmpty else { return }
        let deadline = ContinuousClock.now.advanced(by: publishTimeout)
        try await withCheckedThrowingContinuation { continuation in
            let request = PublishRequest(messages: messages, deadline: deadline, continuation: continuation)
            if !submit(.publish(request)) {
                continuation.resume(throwing: BusError(.shutdown, "publish after shutdown"))
            }
        }
    }

    package func publish(_ message: BusMessage) async throws {
        try await publish([message])
    }

    /// Starts consuming `queue`. Deliveries arrive until `stopConsuming()` or shutdown; at most `prefetch` unsettled.
    /// Across reconnects the stream goes on: unsettled deliveries of a lost connection are redelivered by the broker.
    package func consume(queue: String, prefetch: UInt16) -> Deliveries {
        let (stream, continuation) = Deliveries.makeStream()
        if !submit(.consume(queue: queue, prefetch: prefetch, continuation)) {
            continuation.finish(throwing: BusError(.shutdown, "consume after shutdown"))
        }
        return stream
    }

    /// Cancels the consumer; deliveries already received can still be settled.
    package func stopConsuming() {
        _ = submit(.stopConsuming)
    }

    package func ack(_ delivery: BusDelivery) {
        _ = submit(.settle(delivery, .ack))
    }

    package func reject(_ delivery: BusDelivery, requeue: Bool) {
        _ = submit(.settle(delivery, .reject(requeue: requeue)))
    }

    /// Runs `body` on the bus thread with the open connection (for declarations and operator tools).
    func perform<T: Sendable>(_ body: @escaping (AMQPConnection) throws(BusError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = submit(.admin { connection, error in
                guard let connection else {
                    return continuation.resume(throwing: error ?? BusError(.connectionLost, "not connected"))
                }
                do throws(BusError) {
                    continuation.resume(returning: try body(connection))
                } catch {
                    continuation.resume(throwing: error)
                }
            })
            if !accepted { continuation.resume(throwing: BusError(.shutdown, "bus is shut down")) }
        }
    }

    /// Which connection the bus is on: 0 for the first, one more for each reconnect. A connection that stays up (kept
    /// alive by heartbeats, say) keeps its number.
    package func connectionGeneration() async throws -> Int {
        try await perform { connection throws(BusError) in connection.generation }
    }

    package func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Finishes pending publishes, closes the connection and stops the thread.
    package func shutdown() async {
        inbox.withLock { $0.shuttingDown = true }
        wake()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyDone = finished.withLock { waiters -> Bool in
                guard waiters != nil else { return true }
                waiters!.append(continuation)
                return false
            }
            if alreadyDone { continuation.resume() }
        }
    }

    private func submit(_ command: Command) -> Bool {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.shuttingDown else { return false }
            inbox.commands.append(command)
            return true
        }
        if accepted { wake() }
        return accepted
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = Foundation.write(wakeWrite, &byte, 1)
    }

    // MARK: The bus thread

    private func threadMain(started: CheckedContinuation<Void, any Error>) {
        let loop: BusLoop
        do {
            loop = try BusLoop(client: self)
        } catch {
            markFinished()
            started.resume(throwing: error)
            return
        }
        started.resume()
        loop.run()
        markFinished()
    }

    private func markFinished() {
        let waiters = finished.withLock { waiters in
            defer { waiters = nil }
            return waiters ?? []
        }
        waiters.forEach { $0.resume() }
    }

    func takeCommands() -> (commands: [Command], shuttingDown: Bool) {
        inbox.withLock { inbox in
            defer { inbox.commands.removeAll(keepingCapacity: true) }
            return (inbox.commands, inbox.shuttingDown)
        }
    }

    /// Waits until the socket is readable, a command arrives, or `timeout` passes.
    func waitForWork(socket: Int32?, timeout: Duration) {
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        if let socket { fds.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0)) }
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        _ = poll(&fds, nfds_t(fds.count), max(milliseconds, 0))
        var drain = [UInt8](repeating: 0, count: 256)
        while Foundation.read(wakeRead, &drain, drain.count) > 0 {}
    }
}
