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
            try await expectNothingLost(bus: bus, timeout: .seconds(120)) {
                try await TestInfrastructure.rabbitmqctl("stop_app")
                try await TestInfrastructure.rabbitmqctl("start_app")
                try await TestInfrastructure.rabbitmqctl("await_startup")
            }
        }
    }
}
