import ArgumentParser
import HeraldCore
import HeraldServer
import HeraldWorkers
import Logging

struct RendererRole: HeraldDaemon {
    static let processName = "herald-renderer"
    static let configuration = CommandConfiguration(
        commandName: "renderer",
        abstract: "Renders queued messages from herald.render and publishes their send jobs.",
        discussion: "Every option can be given as its environment variable instead; an option given wins.",
        version: HeraldVersion.current)

    @OptionGroup(title: "Database, broker and process") var process: ProcessOptions
    @OptionGroup(title: "Broker topology") var topology: TopologyOptions
    @OptionGroup(title: "Recovery") var recovery: RecoveryOptions
    @OptionGroup(title: "Consuming") var consumer: ConsumerOptions
    @OptionGroup(title: "Rendering") var rendering: RendererOptions
    @OptionGroup(title: "Links in emails") var links: LinkOptions

    var sources: [any OptionSource] { [process, topology, recovery, consumer, rendering, links] }

    func start(environment: Environment, logger: Logger) async throws {
        try await RendererProcess.run(environment: environment, logger: logger)
    }
}
