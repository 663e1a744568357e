import Foundation
import HeraldBus
import HeraldCore
import Synchronization
import Testing

/// Restarts the broker, which disturbs every other test's connections, so it runs on its own
/// (`scripts/test.sh` runs it after the rest with HERALD_TEST_BROKER_RESTART=1).
@Suite("Broker restart", .enabled(if: ProcessInfo.processInfo.environment["HERALD_TEST_BROKER_RESTART"] == "1"))
struct BrokerRestartTests {
    @Test("the broker restarts while a consumer runs; consumption resumes with nothing lost")
    func brokerRestart() async throws {
        try await TestInfrastructure.withBus { bus, _ in
            let jobs = (0..<300).map { _ in Job(messageID: UUID()) }
            try await bus.publishJobs(jobs.map { $0.encoded() }, to: .render)
            let acked = Mutex(Set<Job>())
            let restarted = Mutex(false)
            _ = try await collect(bus.consume(queue: Stage.render.queue, prefetch: 20), timeout: .seconds(120), until: { _ in
                acked.withLock { $0.count } == jobs.count
            }) { delivery in
                if acked.withLock({ $0.count }) == 100, !restarted.withLock({ $0 }) {
                    restarted.withLock { $0 = true }
                    try TestInfrastructure.rabbitmqctl("stop_app")
                    try TestInfrastructure.rabbitmqctl("start_app")
                    try TestInfrastructure.rabbitmqctl("await_startup")
                }
                let job = try Job.decode(delivery.body)
                acked.withLock { _ = $0.insert(job) }
                bus.ack(delivery)
            }
            #expect(restarted.withLock { $0 })
            #expect(acked.withLock { $0 } == Set(jobs))
        }
    }
}
