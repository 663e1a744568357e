import HeraldPipeline
import HeraldBus
package import HeraldProviders
package import HeraldRuntime
import HeraldStore
package import Logging
package import ServiceLifecycle
import HeraldCore

/// `herald-email`: its settings, read once, and the services it runs.
package struct EmailProcess: Sendable {
    package var worker: WorkerConfiguration
    package var email: EmailConfiguration

    package init(environment: Environment) throws {
        worker = try WorkerConfiguration(environment: environment)
        email = try EmailConfiguration(environment: environment)
    }

    /// The consumer of `herald.send.email` over `sender`, once the settings and the broker's topology are checked.
    package func services(infrastructure: Infrastructure, sender: any EmailProvider, logger: Logger) async throws -> [any Service] {
        try infrastructure.recovery.requireSendingTimeout(longerThan: email.smtp.timeout, setting: "HERALD_SMTP_TIMEOUT_SECONDS")
        try await worker.topology.verify(on: infrastructure.bus, stages: [.sendEmail])
        let sendWorker = SendWorker(
            channel: .email, infrastructure: infrastructure, sender: EmailChannel(
                provider: sender, from: email.from, bounces: email.bounces,
                domains: SenderDomains(store: SendingDomainStore(database: infrastructure.database, logger: logger), logger: logger),
                links: email.links),
            topology: worker.topology, slice: worker.sendSlice, logger: logger)
        return [StageConsumer(
            bus: infrastructure.bus, stage: .sendEmail, prefetch: worker.prefetch, concurrency: worker.concurrency,
            watchdog: infrastructure.watchdog(logger: logger), logger: logger, handle: sendWorker.handle)]
    }

    package static func run(environment: Environment, logger: Logger) async throws {
        let process = try EmailProcess(environment: environment)
        let sender = try SMTPSender(configuration: process.email.smtp)
        logger.info("sending through \(process.email.smtp)")
        try await ProcessRuntime.closing(sender.shutdown) {
            try await ProcessRuntime.runWorker(
                "herald-email", environment: environment, databaseConnections: process.worker.databaseConnections,
                logger: logger) { infrastructure in
                try await process.services(infrastructure: infrastructure, sender: sender, logger: logger)
            }
        }
    }
}
