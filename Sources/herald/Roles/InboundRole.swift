import ArgumentParser
import HeraldCore
import HeraldInbound
import HeraldServer
import Logging

struct InboundRole: HeraldDaemon {
    static let processName = "herald-inbound"
    static let configuration = CommandConfiguration(
        commandName: "inbound",
        abstract: "Receives what comes back to the bounce domain over SMTP: bounces (RFC 3464) and complaints (RFC 5965).",
        discussion: """
            Accepts mail only for signed addresses at HERALD_BOUNCE_DOMAIN, never relays, and answers 250 once what \
            the mail says is recorded. Replicas share the work safely. Every option can be given as its environment \
            variable instead; an option given wins.
            """,
        version: HeraldVersion.current)

    @OptionGroup(title: "Database, broker and process") var process: ProcessOptions
    @OptionGroup(title: "Inbound SMTP") var inbound: InboundOptions

    var sources: [any OptionSource] { [process, inbound] }

    func start(environment: Environment, logger: Logger) async throws {
        try await InboundProcess.run(environment: environment, logger: logger)
    }
}
