import ArgumentParser
import HeraldCore
import HeraldRuntime
import HeraldWorkers
import Logging

struct SMSRole: HeraldDaemon {
    static let role = Role.sms
    static let abstract = "Sends rendered SMS from herald.send.sms through Tyntec's SMS API and stores each requestId."

    @Argument(parsing: .allUnrecognized, help: .private) var arguments: [String] = []

    func start(environment: Environment, logger: Logger) async throws {
        try await SMSProcess.run(environment: environment, logger: logger)
    }
}
