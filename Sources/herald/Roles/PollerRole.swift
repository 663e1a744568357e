import ArgumentParser
import HeraldCore
import HeraldRuntime
import HeraldWorkers
import Logging

struct PollerRole: HeraldDaemon {
    static let role = Role.poller
    static let abstract = "Asks Tyntec for the delivery state of sent SMS and records delivered or undeliverable."
    static let discussion = "Replicas share the work through leased batches (FOR UPDATE SKIP LOCKED)."

    @Argument(parsing: .allUnrecognized, help: .private) var arguments: [String] = []

    func start(environment: Environment, logger: Logger) async throws {
        try await PollerProcess.run(environment: environment, logger: logger)
    }
}
