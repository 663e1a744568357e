import ArgumentParser
import HeraldCore
import HeraldRuntime
import HeraldWorkers
import Logging

struct RendererRole: HeraldDaemon {
    static let role = Role.renderer
    static let abstract = "Renders queued messages from herald.render and publishes their send jobs."

    @Argument(parsing: .allUnrecognized, help: .private) var arguments: [String] = []

    func start(environment: Environment, logger: Logger) async throws {
        try await RendererProcess.run(environment: environment, logger: logger)
    }
}
