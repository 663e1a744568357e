import ArgumentParser
import HeraldCore
import HeraldRuntime
import HeraldWorkers
import Logging

struct EmailRole: HeraldDaemon {
    static let role = Role.email
    static let abstract = "Sends rendered emails from herald.send.email over SMTP (libcurl)."

    @Argument(parsing: .allUnrecognized, help: .private) var arguments: [String] = []

    func start(environment: Environment, logger: Logger) async throws {
        try await EmailProcess.run(environment: environment, logger: logger)
    }
}
