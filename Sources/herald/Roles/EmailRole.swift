import ArgumentParser
import HeraldCore
import HeraldServer
import HeraldWorkers
import Logging

struct EmailRole: HeraldDaemon {
    static let processName = "herald-email"
    static let configuration = CommandConfiguration(
        commandName: "email",
        abstract: "Sends rendered emails from herald.send.email over SMTP (libcurl).",
        discussion: "Every option can be given as its environment variable instead; an option given wins.",
        version: HeraldVersion.current)

    @OptionGroup(title: "Database, broker and process") var process: ProcessOptions
    @OptionGroup(title: "Broker topology") var topology: TopologyOptions
    @OptionGroup(title: "Recovery") var recovery: RecoveryOptions
    @OptionGroup(title: "Consuming") var consumer: ConsumerOptions
    @OptionGroup(title: "SMTP") var smtp: SMTPOptions

    var sources: [any OptionSource] { [process, topology, recovery, consumer, smtp] }

    func start(environment: Environment, logger: Logger) async throws {
        try await EmailProcess.run(environment: environment, logger: logger)
    }
}
