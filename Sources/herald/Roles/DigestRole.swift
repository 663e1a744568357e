import ArgumentParser
import HeraldCore
import HeraldServer
import HeraldWorkers
import Logging

struct DigestRole: HeraldDaemon {
    static let processName = "herald-digest"
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Gathers deferred notifications whose recipient's window has closed into one digest message each.",
        discussion: """
            A lone notification is sent as itself. Replicas share the work safely. Every option can be given as its \
            environment variable instead; an option given wins.
            """,
        version: HeraldVersion.current)

    @OptionGroup(title: "Database, broker and process") var process: ProcessOptions
    @OptionGroup(title: "Recovery") var recovery: RecoveryOptions
    @OptionGroup(title: "Digests") var digests: DigestOptions

    var sources: [any OptionSource] { [process, recovery, digests] }

    func start(environment: Environment, logger: Logger) async throws {
        try await DigestProcess.run(environment: environment, logger: logger)
    }
}
