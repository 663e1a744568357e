import ArgumentParser
import HeraldCore
import HeraldRuntime
import HeraldWorkers
import Logging

struct DigestRole: HeraldDaemon {
    static let role = Role.digest
    static let abstract = "Gathers deferred notifications whose recipient's window has closed into one digest message each."
    static let discussion = "A lone notification is sent as itself. Replicas share the work safely."

    @Argument(parsing: .allUnrecognized, help: .private) var arguments: [String] = []

    func start(environment: Environment, logger: Logger) async throws {
        try await DigestProcess.run(environment: environment, logger: logger)
    }
}
