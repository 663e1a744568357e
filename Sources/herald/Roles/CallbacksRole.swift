import ArgumentParser
import HeraldCore
import HeraldRuntime
import HeraldWorkers
import Logging

struct CallbacksRole: HeraldDaemon {
    static let role = Role.callbacks
    static let abstract = "Delivers tenants' delivery-status callbacks: publishes due ones to herald.callback and POSTs them, signed."

    @Argument(parsing: .allUnrecognized, help: .private) var arguments: [String] = []

    func start(environment: Environment, logger: Logger) async throws {
        try await CallbacksProcess.run(environment: environment, logger: logger)
    }
}
