import HeraldPipeline
import HeraldBus
package import HeraldProviders
package import HeraldRendering
package import HeraldRuntime
package import Logging
package import ServiceLifecycle
import HeraldCore

/// `herald-renderer`: its settings, read once, and the services it runs.
package struct RendererProcess: Sendable {
    package var worker: WorkerConfiguration
    package var renderer: MessageRenderer
    package var links: PublicLinks?

    package init(environment: Environment) throws {
        worker = try WorkerConfiguration(environment: environment)
        let settings = try RenderSettings(environment: environment)
        renderer = MessageRenderer(
            maxSMSSegments: settings.maxSMSSegments, maxBytes: settings.maxBytes, transliterate: settings.transliterate)
        links = try EmailConfiguration.publicLinks(environment)
    }

    /// The consumer of `herald.render`, once the broker is checked to hold the topology it retries through.
    package func services(infrastructure: Infrastructure, logger: Logger) async throws -> [any Service] {
        try await worker.topology.verify(on: infrastructure.bus, stages: [.render])
        let renderer = RenderWorker(
            infrastructure: infrastructure, topology: worker.topology, renderer: renderer, links: links,
            logger: logger)
        return [StageConsumer(
            bus: infrastructure.bus, stage: .render, prefetch: worker.prefetch, concurrency: worker.concurrency,
            watchdog: infrastructure.watchdog(logger: logger), logger: logger, handle: renderer.handle)]
    }

    package static func run(environment: Environment, logger: Logger) async throws {
        let process = try RendererProcess(environment: environment)
        try await ProcessRuntime.runWorker(
            "herald-renderer", environment: environment, databaseConnections: process.worker.databaseConnections,
            logger: logger) { infrastructure in try await process.services(infrastructure: infrastructure, logger: logger) }
    }
}
