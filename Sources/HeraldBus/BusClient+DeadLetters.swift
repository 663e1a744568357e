package import Foundation
package import HeraldCore

/// A job that failed for good, as it waits in its stage's dead-letter queue.
package struct DeadLetter: Sendable {
    package let stage: Stage
    /// The job's messages; empty when the body is not a job Herald can read.
    package let messageIDs: [UUID]
    package let error: String?
    package let attempts: Int
    /// When it was dead-lettered (absent for dead letters from before Herald recorded it, or from the broker's own
    /// delivery limit).
    package let failedAt: Date?
    let delivery: BusDelivery

    init(stage: Stage, delivery: BusDelivery) {
        self.stage = stage
        self.delivery = delivery
        messageIDs = (try? Job.decode(delivery.body).messageIDs) ?? []
        error = delivery.lastError
        attempts = delivery.headers[Topology.attemptsHeader]?.intValue.map(Int.init) ?? delivery.attempt
        failedAt = delivery.headers[Topology.failedAtHeader]?.intValue.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }
}

extension BusClient {
    /// Up to `limit` dead letters of a stage, left in their queue.
    package func peekDeadLetters(_ stage: Stage, limit: Int) async throws -> [DeadLetter] {
        let held = try await holdDeadLetters(stage, limit: limit)
        try await release(held)
        return held
    }

    /// Takes up to `limit` dead letters of a stage without settling them: the broker hands them to no one else until
    /// each is `release`d, `dropDeadLetter`ed or the connection closes (which puts them back).
    package func holdDeadLetters(_ stage: Stage, limit: Int) async throws -> [DeadLetter] {
        try await hold(stage.deadLetterQueue, limit: limit).map { DeadLetter(stage: stage, delivery: $0) }
    }

    /// Up to `limit` messages of any queue (the intake's refusals, say), left in it.
    package func peek(_ queue: String, limit: Int) async throws -> [BusDelivery] {
        try await perform { connection throws(BusError) in
            let held = try connection.hold(queue, limit: limit)
            for delivery in held { try connection.settleAdmin(delivery, ack: false) }
            return held
        }
    }

    func hold(_ queue: String, limit: Int) async throws -> [BusDelivery] {
        try await perform { connection throws(BusError) in try connection.hold(queue, limit: limit) }
    }

    /// Puts held dead letters back in their queue.
    package func release(_ letters: [DeadLetter]) async throws {
        guard !letters.isEmpty else { return }
        try await perform { connection throws(BusError) in
            for letter in letters { try connection.settleAdmin(letter.delivery, ack: false) }
        }
    }

    /// Removes a held dead letter for good (once what replaces it is confirmed).
    package func dropDeadLetter(_ letter: DeadLetter) async throws {
        try await perform { connection throws(BusError) in try connection.settleAdmin(letter.delivery, ack: true) }
    }

    /// Puts the part of a held dead letter that stays dead back in its queue, with its error and attempts.
    package func deadLetterAgain(_ letter: DeadLetter, keeping ids: [UUID]) async throws {
        var headers = letter.delivery.headers
        headers[Topology.messagesHeader] = .int(Int64(ids.count))
        try await publish(BusMessage(
            exchange: Topology.deadLetterExchange, routingKey: letter.stage.routingKey,
            body: Job(messageIDs: ids).encoded(), headers: headers))
    }

    /// Discards every dead letter of a stage; returns how many there were.
    package func purgeDeadLetters(_ stage: Stage) async throws -> Int {
        try await purgeQueue(stage.deadLetterQueue)
    }
}

extension AMQPConnection {
    /// Takes up to `limit` messages of a queue without settling them; on failure puts back what it took.
    func hold(_ queue: String, limit: Int) throws(BusError) -> [BusDelivery] {
        var held: [BusDelivery] = []
        do throws(BusError) {
            while held.count < limit, let delivery = try get(queue: queue) { held.append(delivery) }
        } catch {
            for delivery in held { try? settleAdmin(delivery, ack: false) }
            throw error
        }
        return held
    }
}
