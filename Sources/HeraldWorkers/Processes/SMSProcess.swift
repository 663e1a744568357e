import HeraldPipeline
import HeraldBus
package import HeraldProviders
package import HeraldRuntime
package import Logging
package import ServiceLifecycle
import HeraldCore

/// `herald-sms`: its settings, read once, and the services it runs.
package struct SMSProcess: Sendable {
    package var worker: WorkerConfiguration
    package var sms: SMSConfiguration

    package init(environment: Environment) throws {
        worker = try WorkerConfiguration(environment: environment)
        sms = try SMSConfiguration(environment: environment)
    }

    /// The consumer of `herald.send.sms` through `client`, once the settings and the broker's topology are checked.
    package func services(infrastructure: Infrastructure, client: TyntecClient, logger: Logger) async throws -> [any Service] {
        try infrastructure.recovery.requireSendingTimeout(
            longerThan: sms.tyntec.timeout + .seconds(5), setting: "HERALD_TYNTEC_TIMEOUT_SECONDS (plus 5 s to connect)")
        try await worker.topology.verify(on: infrastructure.bus, stages: [.sendSMS])
        let sendWorker = SendWorker(
            channel: .sms, infrastructure: infrastructure, sender: SMSChannel(client: client, from: sms.from, reports: sms.reports),
            polling: sms.polling, topology: worker.topology, slice: worker.sendSlice, logger: logger)
        return [StageConsumer(
            bus: infrastructure.bus, stage: .sendSMS, prefetch: worker.prefetch, concurrency: worker.concurrency,
            watchdog: infrastructure.watchdog(logger: logger), logger: logger, handle: sendWorker.handle)]
    }

    package static func run(environment: Environment, logger: Logger) async throws {
        let process = try SMSProcess(environment: environment)
        let client = TyntecClient(configuration: process.sms.tyntec)
        logger.info("sending through \(process.sms.tyntec)", metadata: [
            "delivery_reports": "\(process.sms.reports.map { "pushed to \($0.publicURL), polled after \(process.sms.receiptGrace)" } ?? "polled")"])
        try await ProcessRuntime.closing(client.shutdown) {
            try await ProcessRuntime.runWorker(
                "herald-sms", environment: environment, databaseConnections: process.worker.databaseConnections,
                logger: logger) { infrastructure in
                try await process.services(infrastructure: infrastructure, client: client, logger: logger)
            }
        }
    }
}
