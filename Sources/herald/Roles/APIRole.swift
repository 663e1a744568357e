import ArgumentParser
import HeraldAPI
import HeraldCore
import HeraldServer
import Logging

struct APIRole: HeraldDaemon {
    static let processName = "herald-api"
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "The producer API (HTTP, /v1), the relay that publishes scheduled and unconfirmed jobs and sweeps stale ones, and retention.",
        discussion: "Every option can be given as its environment variable instead; an option given wins.",
        version: HeraldVersion.current)

    @OptionGroup(title: "Database, broker and process") var process: ProcessOptions
    @OptionGroup(title: "Broker topology") var topology: TopologyOptions
    @OptionGroup(title: "Recovery") var recovery: RecoveryOptions
    @OptionGroup(title: "API, relay and retention") var api: APIOptions
    @OptionGroup(title: "Rendering limits (for previews)") var rendering: RendererOptions

    var sources: [any OptionSource] { [process, topology, recovery, api, rendering] }

    func start(environment: Environment, logger: Logger) async throws {
        try await HeraldAPIService.run(environment: environment, logger: logger)
    }
}
