import ArgumentParser
import HeraldAPI
import HeraldCore
import HeraldRuntime
import Logging

struct APIRole: HeraldDaemon {
    static let role = Role.api
    static let abstract = "The producer API (HTTP, /v1), the relay that publishes scheduled and unconfirmed jobs and sweeps stale ones, and retention."

    @Argument(parsing: .allUnrecognized, help: .private) var arguments: [String] = []

    func start(environment: Environment, logger: Logger) async throws {
        try await HeraldAPIService.run(environment: environment, logger: logger)
    }
}
