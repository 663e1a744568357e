import HeraldBus
import HeraldServer
import Logging
import ServiceLifecycle

/// `herald-renderer`: its settings, read once, and the services it runs.
public struct RendererProcess: Sendable {
    public var worker: WorkerConfiguration
    public var maxSMSSegments: Int
    public var maxBytes: Int

    public init(environment: Environment) throws {
        worker = try WorkerConfiguration(environment: environment)
        maxSMSSegments = try environment.int("HERALD_SMS_MAX_SEGMENTS", default: 10)
        maxBytes = try environment.int("HERALD_RENDER_MAX_BYTES", default: 1 << 20)
    }

    /// The consumer of `herald.render`, once the broker is checked to hold the topology it retries through.
    public func services(infrastructure: Infrastructure, logger: Logger) async throws -> [any Service] {
        try await worker.topology.verify(on: infrastructure.bus, stages: [.render])
        let renderer = RenderWorker(
            infrastructure: infrastructure, topology: worker.topology, maxSMSSegments: maxSMSSegments,
            maxBytes: maxBytes, logger: logger)
        return [StageConsumer(
            bus: infrastructure.bus, stage: .render, prefetch: worker.prefetch, concurrency: worker.concurrency,
            watchdog: infrastructure.watchdog(logger: logger), logger: logger, handle: renderer.handle)]
    }

    public static func run(environment: Environment, logger: Logger) async throws {
        let process = try RendererProcess(environment: environment)
        try await ProcessRuntime.runWorker(
            "herald-renderer", environment: environment, databaseConnections: process.worker.databaseConnections,
            logger: logger) { infrastructure in try await process.services(infrastructure: infrastructure, logger: logger) }
    }
}
