import ArgumentParser
import HeraldCore
import HeraldInbound
import HeraldRuntime
import Logging

struct InboundRole: HeraldDaemon {
    static let role = Role.inbound
    static let abstract = "Receives what comes back to the bounce domain over SMTP: bounces (RFC 3464) and complaints (RFC 5965)."
    static let discussion = "Accepts mail only for signed addresses at HERALD_BOUNCE_DOMAIN, never relays, and answers 250 once what the mail says is recorded. Replicas share the work safely."

    @Argument(parsing: .allUnrecognized, help: .private) var arguments: [String] = []

    func start(environment: Environment, logger: Logger) async throws {
        try await InboundProcess.run(environment: environment, logger: logger)
    }
}
