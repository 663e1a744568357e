package import Foundation
package import HeraldCore
package import Logging

/// What became of a job whose handler failed.
package enum FailureOutcome: Sendable, Equatable {
    /// Parked in a delay queue; it comes back as attempt `attempt` after `delay`.
    case retrying(attempt: Int, delay: Duration)
    /// Moved to the stage's dead-letter queue after `attempts` attempts.
    case deadLettered(attempts: Int)
}

extension BusDelivery {
    /// The 1-based attempt this delivery is, counting retries Herald scheduled (not broker redeliveries).
    package var attempt: Int { headers[Topology.attemptHeader]?.intValue.map(Int.init) ?? 1 }

    /// Why the job was dead-lettered, when it was.
    package var lastError: String? { headers[Topology.errorHeader]?.stringValue }
}

extension BusDelivery {
    /// How many messages the job names (`x-herald-messages`), for batching by work rather than by delivery.
    package var messageCount: Int { headers[Topology.messagesHeader]?.intValue.map { max(Int($0), 1) } ?? 1 }
}

extension BusClient {
    /// Publishes jobs to a stage's work queue and returns once the broker confirmed them all.
    package func publishJobs(_ jobs: [Job], to stage: Stage) async throws {
        try await publish(jobs.map { job in
            BusMessage(
                exchange: Topology.exchange, routingKey: stage.routingKey, body: job.encoded(),
                headers: [Topology.messagesHeader: .int(Int64(job.messageIDs.count))])
        })
    }

    /// Publishes jobs for `ids`, `Job.maximumIDs` messages to a job.
    package func publishJobs(for ids: [UUID], to stage: Stage, ledger: Int64? = nil) async throws {
        guard !ids.isEmpty else { return }
        try await publishJobs(Job.jobs(for: ids, ledger: ledger), to: stage)
    }

    /// Settles a failed job: a retryable failure with attempts left goes to the delay queue for its attempt, anything
    /// else to the stage's dead-letter queue with the error. The original is acked only after the copy is confirmed,
    /// so a crash in between leaves a duplicate, never a loss. `notBefore` (a provider's `Retry-After`) picks the
    /// first delay queue at least that long, if the attempt's own delay is shorter. `only` settles part of a job:
    /// a job of just those messages goes on, and the delivery is left for the caller to ack once all of it is settled.
    /// `attempted` counts the attempts already made when the job's messages know more of them than the delivery.
    @discardableResult
    package func settleFailure(
        _ delivery: BusDelivery, stage: Stage, error: String, retryable: Bool, notBefore: Duration? = nil,
        attempted: Int = 0, only part: Job? = nil, topology: Topology
    ) async throws -> FailureOutcome {
        var headers = delivery.headers.filter { !$0.key.hasPrefix("x-") }
        headers[Topology.errorHeader] = .string(String(error.prefix(1000)))
        let body = part?.encoded() ?? delivery.body
        headers[Topology.messagesHeader] = .int(Int64(part?.messageIDs.count ?? delivery.messageCount))
        let attempt = max(delivery.attempt, attempted)
        let outcome: FailureOutcome
        let message: BusMessage
        if retryable && attempt < topology.maxAttempts {
            var delay = topology.retryDelays[attempt - 1]
            if let notBefore, notBefore > delay {
                delay = topology.retryDelays.first { $0 >= notBefore } ?? topology.retryDelays.last!
            }
            headers[Topology.attemptHeader] = .int(Int64(attempt + 1))
            message = BusMessage(
                exchange: Topology.retryExchange, routingKey: stage.retryQueue(delay: delay), body: body, headers: headers)
            outcome = .retrying(attempt: attempt + 1, delay: delay)
        } else {
            message = .deadLetter(body: body, stage: stage, attempts: attempt, headers: headers)
            outcome = .deadLettered(attempts: attempt)
        }
        try await publish(message)
        if part == nil { ack(delivery) }
        return outcome
    }

    /// Splits a stage's deliveries into decodable jobs and the rest, dead-lettering the rest at once: a job that is
    /// not JSON will not become JSON by retrying.
    package func decodeJobs(
        _ deliveries: [BusDelivery], stage: Stage, topology: Topology, logger: Logger
    ) async -> [(job: Job, delivery: BusDelivery)] {
        var jobs: [(Job, BusDelivery)] = []
        for delivery in deliveries {
            if let job = try? Job.decode(delivery.body) {
                jobs.append((job, delivery))
            } else {
                logger.error("malformed job dead-lettered", metadata: ["queue": "\(stage.queue)"])
                _ = try? await settleFailure(delivery, stage: stage, error: "malformed job", retryable: false, topology: topology)
            }
        }
        return jobs
    }

    // MARK: Operator tools

    /// Messages ready and consumers attached, for a queue that must exist.
    package func queueStatus(_ queue: String) async throws -> (messages: Int, consumers: Int) {
        let (messages, consumers) = try await perform { connection throws(BusError) in
            try connection.declareQueue(queue, passive: true)
        }
        return (Int(messages), Int(consumers))
    }
}

extension BusClient {
    /// Discards every message in a queue; returns how many there were.
    package func purgeQueue(_ queue: String) async throws -> Int {
        Int(try await perform { connection throws(BusError) in try connection.purgeQueue(queue) })
    }
}

extension BusMessage {
    /// A job that failed for good, for its stage's dead-letter queue: `headers` (its error and message count among
    /// them) with its attempts and the time it failed.
    package static func deadLetter(
        body: [UInt8], stage: Stage, attempts: Int, headers: [String: BusHeaderValue]
    ) -> BusMessage {
        var headers = headers
        headers[Topology.attemptHeader] = .int(Int64(attempts))
        headers[Topology.attemptsHeader] = .int(Int64(attempts))
        headers[Topology.failedAtHeader] = .int(Int64(Date().timeIntervalSince1970 * 1000))
        return BusMessage(exchange: Topology.deadLetterExchange, routingKey: stage.routingKey, body: body, headers: headers)
    }
}
