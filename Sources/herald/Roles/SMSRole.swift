import ArgumentParser
import HeraldCore
import HeraldServer
import HeraldWorkers
import Logging

struct SMSRole: HeraldDaemon {
    static let processName = "herald-sms"
    static let configuration = CommandConfiguration(
        commandName: "sms",
        abstract: "Sends rendered SMS from herald.send.sms through Tyntec's SMS API and stores each requestId.",
        discussion: "Every option can be given as its environment variable instead; an option given wins.",
        version: HeraldVersion.current)

    @OptionGroup(title: "Database, broker and process") var process: ProcessOptions
    @OptionGroup(title: "Broker topology") var topology: TopologyOptions
    @OptionGroup(title: "Recovery") var recovery: RecoveryOptions
    @OptionGroup(title: "Consuming") var consumer: ConsumerOptions
    @OptionGroup(title: "Tyntec") var tyntec: TyntecOptions

    var sources: [any OptionSource] { [process, topology, recovery, consumer, tyntec] }

    func start(environment: Environment, logger: Logger) async throws {
        try await SMSProcess.run(environment: environment, logger: logger)
    }
}
