import ArgumentParser
import HeraldCore
import HeraldServer
import HeraldWorkers
import Logging

struct CallbacksRole: HeraldDaemon {
    static let processName = "herald-callbacks"
    static let configuration = CommandConfiguration(
        commandName: "callbacks",
        abstract: "Delivers tenants' delivery-status callbacks: publishes due ones to herald.callback and POSTs them, signed.",
        discussion: "Every option can be given as its environment variable instead; an option given wins.",
        version: HeraldVersion.current)

    @OptionGroup(title: "Database, broker and process") var process: ProcessOptions
    @OptionGroup(title: "Broker topology") var topology: TopologyOptions
    @OptionGroup(title: "Recovery") var recovery: RecoveryOptions
    @OptionGroup(title: "Consuming") var consumer: ConsumerOptions
    @OptionGroup(title: "Callbacks") var callbacks: CallbackOptions

    var sources: [any OptionSource] { [process, topology, recovery, consumer, callbacks] }

    func start(environment: Environment, logger: Logger) async throws {
        try await CallbacksProcess.run(environment: environment, logger: logger)
    }
}
