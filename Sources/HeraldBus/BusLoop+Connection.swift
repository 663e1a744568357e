import Foundation
import Logging

extension BusLoop {
    /// The first node of `configuration` that answers, and its index; if none does, an error naming why each did not.
    static func connectFirst(
        _ configuration: AMQPConfiguration, generation: Int
    ) throws(BusError) -> (AMQPConnection, Int) {
        var failures: [BusError] = []
        for index in configuration.nodes.indices {
            do {
                return (try AMQPConnection(configuration: configuration.node(index), generation: generation), index)
            } catch {
                failures.append(error)
            }
        }
        guard let first = failures.first else { throw BusError(.connectionRefused, "no broker node to connect to") }
        guard failures.count > 1 else { throw first }
        throw BusError(first.code, "no broker node answered: " + failures.map(\.detail).joined(separator: "; "))
    }

    /// The connection broke: publishes awaiting confirms are of unknown outcome, so they go out again on the next
    /// connection (jobs are idempotent; their deadlines still hold); the consumer stays registered and resumes after
    /// the reconnect, which tries the next node of a cluster first.
    func lost(_ error: BusError) {
        guard connection != nil else { return }
        logger.warning("broker connection lost, reconnecting", metadata: ["error": "\(error)"])
        connection?.close()
        connection = nil
        ledger.reset()
        requeueUnconfirmed()
        node += 1
        reconnectDelay = .milliseconds(100)
        nextReconnect = .now
    }

    /// Puts every publish still awaiting a confirm back at the head of the waiting ones, whole, in publish order.
    private func requeueUnconfirmed() {
        var seen = Set<ObjectIdentifier>()
        var again: [BusClient.PublishRequest] = []
        for tag in unconfirmed.keys.sorted() {
            guard let request = unconfirmed[tag], request.unconfirmed > 0,
                  seen.insert(ObjectIdentifier(request)).inserted else { continue }
            request.unconfirmed = request.messages.count
            request.failure = nil
            again.append(request)
        }
        unconfirmed.removeAll()
        waiting.insert(contentsOf: again, at: 0)
    }

    func reconnect(shuttingDown: Bool) {
        if shuttingDown { return }
        let now = ContinuousClock.now
        if now < nextReconnect {
            client.waitForWork(socket: nil, timeout: nextReconnect - now)
            return
        }
        let target = client.configuration.node(node)
        do {
            generation += 1
            let fresh = try AMQPConnection(configuration: target, generation: generation)
            connection = fresh
            nextPublishTag = 1
            failedAttempts = 0
            logger.info("broker connection re-established", metadata: ["amqp.node": "\(target.host):\(target.port)"])
            startConsumer(on: fresh)
        } catch {
            // Every node in turn, at once; once each has failed, wait longer before the next round.
            node += 1
            failedAttempts += 1
            let roundDone = failedAttempts % client.configuration.nodes.count == 0
            logger.warning("broker reconnect failed", metadata: [
                "error": "\(error)", "amqp.node": "\(target.host):\(target.port)",
                "retry.in": "\(roundDone ? reconnectDelay : .zero)",
            ])
            if roundDone {
                nextReconnect = now.advanced(by: reconnectDelay)
                reconnectDelay = min(reconnectDelay * 2, .seconds(5))
            }
        }
    }
}
