import ArgumentParser
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import Logging

@main
struct HeraldBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald-bench", abstract: "Measure Herald's throughput on this machine.",
        subcommands: [BusBench.self, SendBench.self, DigestBench.self, ReportBench.self, InboundBench.self])
}

/// The bus alone: confirmed publishes and acked consumption on a quorum queue, in a vhost of its own.
struct BusBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bus", abstract: "Publish-with-confirm and consume-with-ack rates.")

    @Option(help: "Messages to publish and consume.") var messages = 100_000
    @Option(help: "Messages per publish call (confirms pipelined within it).") var batch = 500
    @Option(help: "Publish calls in flight at once.") var concurrency = 4
    @Option(help: "Consumer prefetch.") var prefetch: UInt16 = 500
    @Option(help: "A vhost the user may use; its queue herald.bench is deleted first.") var vhost = "herald"

    func run() async throws {
        var logger = Logger(label: "herald.bench")
        logger.logLevel = .warning
        var configuration = try Infrastructure.amqp(environment: Environment(), processName: "herald-bench")
        configuration.vhost = vhost
        let publisher = try await BusClient.connect(configuration, logger: logger)
        try await Topology().declare(on: publisher)
        _ = try? await publisher.purgeQueue(Stage.render.queue)
        let job = Job(messageID: UUID())

        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            let calls = (messages + batch - 1) / batch
            var next = 0
            func add() {
                guard next < calls else { return }
                let count = min(batch, messages - next * batch)
                next += 1
                group.addTask { try await publisher.publishJobs(Array(repeating: job, count: count), to: .render) }
            }
            for _ in 0..<concurrency { add() }
            while try await group.next() != nil { add() }
        }
        let published = ContinuousClock.now - start
        print(String(format: "publish-with-confirm: %d messages in %.2f s = %.0f msg/s (batch %d, %d in flight)",
                     messages, published.inSeconds, Double(messages) / published.inSeconds, batch, concurrency))

        let consumer = try await BusClient.connect(configuration, logger: logger)
        let consumeStart = ContinuousClock.now
        var received = 0
        for try await deliveries in consumer.consume(queue: Stage.render.queue, prefetch: prefetch) {
            for delivery in deliveries { consumer.ack(delivery) }
            received += deliveries.count
            if received >= messages { break }
        }
        let consumed = ContinuousClock.now - consumeStart
        print(String(format: "consume-with-ack:     %d messages in %.2f s = %.0f msg/s (prefetch %d)",
                     received, consumed.inSeconds, Double(received) / consumed.inSeconds, prefetch))
        consumer.stopConsuming()
        await consumer.shutdown()
        await publisher.shutdown()
    }
}

