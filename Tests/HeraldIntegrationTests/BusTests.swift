import Foundation
import HeraldBus
import HeraldCore
import Synchronization
import Testing

@Suite("Bus against a real RabbitMQ")
struct BusTests {
    @Test("publish with confirm, then consume and ack")
    func publishConsumeAck() async throws {
        try await TestInfrastructure.withBus { bus, _ in
            let jobs = (0..<200).map { _ in Job(messageID: UUID()) }
            try await bus.publishJobs(jobs, to: .render)
            #expect(try await bus.queueStatus(Stage.render.queue).messages == 200)

            let received = try await collect(bus.consume(queue: Stage.render.queue, prefetch: 50), until: { $0.count >= 200 }) {
                bus.ack($0)
            }
            #expect(Set(try received.map { try Job.decode($0.body) }) == Set(jobs))
            bus.stopConsuming()
            try await eventually("the queue is empty") { try await bus.queueStatus(Stage.render.queue).messages == 0 }
        }
    }

    @Test("a publish no queue is bound for fails as unroutable")
    func unroutable() async throws {
        try await TestInfrastructure.withBus { bus, _ in
            await #expect(throws: BusError.self) {
                try await bus.publish(BusMessage(exchange: Topology.exchange, routingKey: "nowhere", body: [1]))
            }
            do {
                try await bus.publish(BusMessage(exchange: Topology.exchange, routingKey: "nowhere", body: [1]))
            } catch let error as BusError {
                #expect(error.code == .unroutable)
                #expect(error.description.contains("NO_ROUTE"))
            }
            // The connection is still usable afterwards.
            try await bus.publishJobs([Job(messageID: UUID())], to: .render)
        }
    }

    @Test("a retryable failure comes back after its delay; after the last attempt it is a dead letter with its error")
    func retryThenDeadLetter() async throws {
        let topology = Topology(retryDelays: [.milliseconds(300), .milliseconds(600)], deliveryLimit: 5)
        try await TestInfrastructure.withBus(topology: topology) { bus, _ in
            let job = Job(messageID: UUID())
            try await bus.publishJobs([job], to: .render)
            let seen = Mutex<[(attempt: Int, at: ContinuousClock.Instant)]>([])
            let outcomes = Mutex<[FailureOutcome]>([])
            _ = try await collect(bus.consume(queue: Stage.render.queue, prefetch: 10), until: { _ in
                outcomes.withLock { $0.last == .deadLettered(attempts: 3) }
            }) { delivery in
                seen.withLock { $0.append((delivery.attempt, .now)) }
                let outcome = try await bus.settleFailure(
                    delivery, stage: .render, error: "SMTP 451 try later", retryable: true, topology: topology)
                outcomes.withLock { $0.append(outcome) }
            }
            let attempts = seen.withLock { $0 }
            #expect(attempts.map(\.attempt) == [1, 2, 3])
            #expect(outcomes.withLock { $0 } == [
                .retrying(attempt: 2, delay: .milliseconds(300)), .retrying(attempt: 3, delay: .milliseconds(600)),
                .deadLettered(attempts: 3),
            ])
            #expect(attempts[1].at - attempts[0].at >= .milliseconds(300))
            #expect(attempts[2].at - attempts[1].at >= .milliseconds(600))

            let dead = try await bus.peekDeadLetters(.render, limit: 10)
            #expect(dead.count == 1)
            #expect(dead[0].messageIDs == job.messageIDs)
            #expect(dead[0].error == "SMTP 451 try later")
            #expect(dead[0].attempts == 3)
            #expect(dead[0].failedAt.map { abs($0.timeIntervalSinceNow) < 60 } == true)
            // Peeking leaves it there; a held dead letter is handed to no one else, and dropping it removes it.
            bus.stopConsuming()
            try await eventually("the dead letter is back after peeking") {
                try await bus.queueStatus(Stage.render.deadLetterQueue).messages == 1
            }
            let held = try await bus.holdDeadLetters(.render, limit: 10)
            #expect(held.count == 1)
            #expect(try await bus.holdDeadLetters(.render, limit: 10).isEmpty)
            try await bus.dropDeadLetter(held[0])
            try await eventually("the dropped dead letter is gone") {
                try await bus.queueStatus(Stage.render.deadLetterQueue).messages == 0
            }
        }
    }

    @Test("a job that keeps crashing its consumer is dead-lettered by the delivery limit")
    func deliveryLimit() async throws {
        let topology = Topology(retryDelays: [.milliseconds(200)], deliveryLimit: 2)
        try await TestInfrastructure.withBus(topology: topology) { bus, _ in
            try await bus.publishJobs([Job(messageID: UUID())], to: .render)
            let count = Mutex(0)
            _ = try await collect(bus.consume(queue: Stage.render.queue, prefetch: 1), timeout: .seconds(5), until: { _ in
                count.withLock { $0 } >= 3
            }) { delivery in
                count.withLock { $0 += 1 }
                bus.reject(delivery, requeue: true)
            }
            bus.stopConsuming()
            try await eventually("the crashing job is dead-lettered") {
                try await bus.queueStatus(Stage.render.deadLetterQueue).messages == 1
            }
            #expect(try await bus.queueStatus(Stage.render.queue).messages == 0)
        }
    }

    @Test("consumption resumes with nothing lost when the broker drops the connection")
    func connectionDropped() async throws {
        try await TestInfrastructure.withBus { bus, configuration in
            try await expectNothingLost(bus: bus) {
                try await TestInfrastructure.rabbitmqctl("close_all_connections", "-p", configuration.vhost, "test drops connections")
            }
            // Publishing works again on the new connection.
            try await bus.publishJobs([Job(messageID: UUID())], to: .sendEmail)
            try await eventually("the job is on the queue") { try await bus.queueStatus(Stage.sendEmail.queue).messages == 1 }
        }
    }

    @Test("an idle connection stays up across several heartbeat intervals")
    func heartbeats() async throws {
        try await TestInfrastructure.withVhost { configuration in
            var configuration = configuration
            configuration.heartbeat = 2
            let bus = try await BusClient.connect(configuration, logger: TestInfrastructure.logger)
            try await Topology().declare(on: bus)
            let first = try await bus.connectionGeneration()
            // Idle for more than two heartbeat timeouts (the broker closes a connection after two missed heartbeats).
            try await Task.sleep(for: .seconds(7))
            try await bus.publishJobs([Job(messageID: UUID())], to: .render)
            #expect(try await bus.queueStatus(Stage.render.queue).messages == 1)
            #expect(try await bus.connectionGeneration() == first, "the connection was replaced: heartbeats did not keep it")
            await bus.shutdown()
        }
    }

    @Test("bad broker settings fail at once with an error that names the problem")
    func badConfiguration() async throws {
        let base = try AMQPConfiguration(url: TestInfrastructure.amqpURL)
        var wrongPassword = base
        wrongPassword.password = "not-the-password"
        var unknownVhost = base
        unknownVhost.vhost = "no-such-vhost"
        var unreachable = base
        unreachable.port = 1
        let cases: [(AMQPConfiguration, BusError.Code, String)] = [
            (wrongPassword, .authenticationFailed, "ACCESS_REFUSED"),
            (unknownVhost, .accessRefused, "no-such-vhost"),
            (unreachable, .connectionRefused, "127.0.0.1:1"),
        ]
        for (configuration, code, text) in cases {
            do {
                let bus = try await BusClient.connect(configuration, logger: TestInfrastructure.logger)
                await bus.shutdown()
                Issue.record("connected with \(configuration)")
            } catch let error as BusError {
                #expect(error.code == code)
                #expect(error.description.contains(text))
                #expect(!error.description.contains("not-the-password"))
            }
        }
        #expect(throws: BusError.self) { try AMQPConfiguration(url: "http://localhost") }
        #expect(throws: BusError.self) { try AMQPConfiguration(url: "amqp://") }
    }
}
