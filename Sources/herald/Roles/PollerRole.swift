import ArgumentParser
import HeraldCore
import HeraldServer
import HeraldWorkers
import Logging

struct PollerRole: HeraldDaemon {
    static let processName = "herald-poller"
    static let configuration = CommandConfiguration(
        commandName: "poller",
        abstract: "Asks Tyntec for the delivery state of sent SMS and records delivered or undeliverable.",
        discussion: """
            Replicas share the work through leased batches (FOR UPDATE SKIP LOCKED). Every option can be given as its \
            environment variable instead; an option given wins.
            """,
        version: HeraldVersion.current)

    @OptionGroup(title: "Database, broker and process") var process: ProcessOptions
    @OptionGroup(title: "Tyntec") var tyntec: TyntecOptions
    @OptionGroup(title: "Polling") var polling: PollerOptions

    var sources: [any OptionSource] { [process, tyntec, polling] }

    func start(environment: Environment, logger: Logger) async throws {
        try await PollerProcess.run(environment: environment, logger: logger)
    }
}
