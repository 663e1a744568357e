import Foundation
import Logging

/// The state the bus thread keeps: the connection, unconfirmed publishes and the consumer. Touched by that thread only.
/// Connecting, losing the connection and reconnecting (to the next node of a cluster) are in `BusLoop+Connection`.
final class BusLoop {
    unowned let client: BusClient
    var logger: Logger { client.logger }
    var connection: AMQPConnection?
    var generation = 0
    var nextPublishTag: UInt64 = 1
    /// Unconfirmed publishes by publish tag (the confirm channel's delivery tag).
    var unconfirmed: [UInt64: BusClient.PublishRequest] = [:]
    /// Publishes not yet sent because the connection is down.
    var waiting: [BusClient.PublishRequest] = []
    private var consumer: (queue: String, prefetch: UInt16, continuation: BusClient.Deliveries.Continuation)?
    private let consumerTag = "herald-\(UUID().uuidString.prefix(8))"
    var reconnectDelay: Duration = .milliseconds(100)
    var nextReconnect = ContinuousClock.now
    /// Deadlines are tens of seconds away; scanning for them on every wake-up would cost a pass over every
    /// unconfirmed publish per frame under load.
    private var nextExpiryCheck = ContinuousClock.now
    var ledger = AckLedger()
    /// The cluster node connected to, or tried next.
    var node = 0
    /// Connection attempts since the last node that answered; every node failing in turn backs off.
    var failedAttempts = 0

    /// Connects to the first node that answers; if none does, fails naming why each did not.
    init(client: BusClient) throws(BusError) {
        self.client = client
        (connection, node) = try Self.connectFirst(client.configuration, generation: generation)
    }

    func run() {
        while true {
            let (commands, shuttingDown) = client.takeCommands()
            var acks: [UInt64] = []
            for command in commands { handle(command, acks: &acks) }
            sendAcks(acks)
            if shuttingDown && unconfirmed.isEmpty && (waiting.isEmpty || connection == nil) {
                break
            }
            if let connection, connection.isOpen {
                sendWaiting(on: connection)
                pump(connection, wait: !shuttingDown || !unconfirmed.isEmpty)
            } else {
                reconnect(shuttingDown: shuttingDown)
            }
            expireRequests()
        }
        stopConsumer(finishing: nil)
        connection?.close()
        connection = nil
        failAll(BusError(.shutdown, "bus shut down before the broker confirmed"))
    }

    private func handle(_ command: BusClient.Command, acks: inout [UInt64]) {
        switch command {
        case .publish(let request):
            waiting.append(request)
        case .settle(let delivery, let settlement):
            // A tag from an earlier connection means nothing now; the broker has requeued that delivery already.
            guard let connection, connection.isOpen, delivery.generation == generation else { return }
            switch settlement {
            case .ack:
                acks.append(delivery.deliveryTag)
            case .reject(let requeue):
                do {
                    try connection.reject(tag: delivery.deliveryTag, requeue: requeue)
                    ledger.settled(delivery.deliveryTag)
                } catch {
                    lost(error)
                }
            }
        case .admin(let body):
            if let connection, connection.isOpen {
                body(connection, nil)
                if !connection.isOpen { lost(BusError(.connectionLost, "during a declaration")) }
            } else {
                body(nil, BusError(.connectionLost, "not connected to \(client.configuration)"))
            }
        case .consume(let queue, let prefetch, let continuation):
            if let previous = consumer { previous.continuation.finish() }
            consumer = (queue, prefetch, continuation)
            if let connection, connection.isOpen { startConsumer(on: connection) }
        case .stopConsuming:
            stopConsumer(finishing: nil)
        }
    }

    /// Acks gathered from one round of commands, coalesced where they form a run (see `AckLedger`).
    private func sendAcks(_ acks: [UInt64]) {
        guard !acks.isEmpty, let connection, connection.isOpen else { return }
        let plan = ledger.plan(acks: acks)
        do {
            if let highest = plan.multiple { try connection.ack(tag: highest, multiple: true) }
            for tag in plan.single { try connection.ack(tag: tag, multiple: false) }
        } catch {
            lost(error)
        }
    }

    func startConsumer(on connection: AMQPConnection) {
        guard let consumer else { return }
        do {
            try connection.startConsuming(queue: consumer.queue, prefetch: consumer.prefetch, consumerTag: consumerTag)
        } catch where error.code == .channelClosed {
            // The queue is missing or refused: a configuration problem that reconnecting will not fix.
            stopConsumer(finishing: error)
        } catch {
            lost(error)
        }
    }

    private func stopConsumer(finishing error: BusError?) {
        guard let consumer else { return }
        if let connection, connection.isOpen { connection.cancelConsuming(consumerTag: consumerTag) }
        consumer.continuation.finish(throwing: error)
        self.consumer = nil
    }

    private func sendWaiting(on connection: AMQPConnection) {
        guard !waiting.isEmpty else { return }
        let requests = waiting
        waiting.removeAll(keepingCapacity: true)
        for request in requests {
            for message in request.messages {
                let tag = nextPublishTag
                nextPublishTag += 1
                unconfirmed[tag] = request
                do {
                    try connection.publish(message, publishTag: tag)
                } catch {
                    lost(error)
                    return
                }
            }
        }
    }

    /// Reads every frame that is ready; if none is, waits for the socket or a command.
    private func pump(_ connection: AMQPConnection, wait: Bool) {
        do {
            var readAny = false
            var deliveries: [BusDelivery] = []
            defer { if !deliveries.isEmpty { consumer?.continuation.yield(deliveries) } }
            while connection.isOpen, let frame = try connection.readFrame() {
                readAny = true
                if case .delivery(let delivery) = frame {
                    ledger.delivered(delivery.deliveryTag)
                    deliveries.append(delivery)
                } else {
                    handle(frame)
                }
            }
            connection.releaseBuffers()
            // rabbitmq-c has parsed every complete frame by now; what may remain buffered is a partial frame, whose
            // rest arrives on the socket.
            if !readAny && wait {
                let heartbeat = Duration.seconds(max(client.configuration.heartbeat, 2)) / 4
                client.waitForWork(socket: connection.socket, timeout: min(heartbeat, .seconds(1)))
            }
        } catch {
            lost(error)
        }
    }

    private func handle(_ frame: AMQPConnection.Frame) {
        switch frame {
        case .ack(let tag, let multiple):
            confirm(tag: tag, multiple: multiple, failure: nil)
        case .nack(let tag, let multiple):
            confirm(tag: tag, multiple: multiple, failure: BusError(.rejected, "the broker nacked the publish"))
        case .returned(let tag, let text):
            if let tag, let request = unconfirmed[tag] {
                let key = request.messages.first?.routingKey ?? ""
                request.failure = request.failure ?? BusError(.unroutable, "\(text) (routing key '\(key)')")
            }
        case .delivery(let delivery):
            ledger.delivered(delivery.deliveryTag)
            consumer?.continuation.yield([delivery])
        case .consumerCancelled:
            logger.warning("broker cancelled the consumer (queue deleted?)")
            stopConsumer(finishing: BusError(.channelClosed, "the broker cancelled the consumer"))
        case .channelClosed(let channel, let code, let text):
            lost(BusError(.channelClosed, "channel \(channel): \(code) \(text)"))
        }
    }

    private func confirm(tag: UInt64, multiple: Bool, failure: BusError?) {
        let tags = multiple ? unconfirmed.keys.filter { $0 <= tag } : [tag]
        for tag in tags {
            guard let request = unconfirmed.removeValue(forKey: tag), request.unconfirmed > 0 else { continue }
            if let failure, request.failure == nil { request.failure = failure }
            request.unconfirmed -= 1
            if request.unconfirmed == 0 { finish(request) }
        }
    }

    private func finish(_ request: BusClient.PublishRequest) {
        if let failure = request.failure {
            request.continuation.resume(throwing: failure)
        } else {
            request.continuation.resume()
        }
    }

    private func expireRequests() {
        let now = ContinuousClock.now
        guard now >= nextExpiryCheck else { return }
        nextExpiryCheck = now.advanced(by: .milliseconds(250))
        waiting.removeAll { request in
            guard request.deadline < now else { return false }
            request.continuation.resume(throwing: BusError(.timeout, "broker unavailable for \(client.publishTimeout)"))
            return true
        }
        let expired = unconfirmed.filter { $0.value.deadline < now }
        for (tag, request) in expired {
            unconfirmed.removeValue(forKey: tag)
            if request.unconfirmed > 0 {
                request.unconfirmed = 0
                request.continuation.resume(throwing: BusError(.timeout, "no confirm within \(client.publishTimeout)"))
            }
        }
    }

    /// A request with several messages appears under several tags; it is resumed once.
    private func failAll(_ error: BusError) {
        for request in waiting { request.continuation.resume(throwing: error) }
        waiting.removeAll()
        for request in unconfirmed.values where request.unconfirmed > 0 {
            request.unconfirmed = 0
            request.continuation.resume(throwing: error)
        }
        unconfirmed.removeAll()
    }
}
