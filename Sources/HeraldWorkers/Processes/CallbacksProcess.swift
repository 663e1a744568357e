import HeraldBus
import HeraldProviders
import HeraldServer
import HeraldStore
import Logging
import ServiceLifecycle

/// `herald-callbacks`: its settings, read once, and the services it runs (the relay of due callbacks and the
/// consumer of `herald.callback`).
public struct CallbacksProcess: Sendable {
    public var worker: WorkerConfiguration
    public var client: CallbackConfiguration
    public var parallelism: Int
    public var relayInterval: Duration
    public var relayBatch: Int

    public init(environment: Environment) throws {
        worker = try WorkerConfiguration(environment: environment)
        client = CallbackConfiguration(
            timeout: .milliseconds(try environment.int("HERALD_CALLBACK_TIMEOUT_MS", default: 5000)),
            connectionsPerHost: try environment.int("HERALD_CALLBACK_CONNECTIONS", default: 32))
        parallelism = try environment.int("HERALD_CALLBACK_PARALLELISM", default: 64)
        relayInterval = .milliseconds(try environment.int("HERALD_CALLBACK_RELAY_INTERVAL_MS", default: 200))
        relayBatch = try environment.int("HERALD_CALLBACK_RELAY_BATCH", default: 1000)
        guard parallelism > 0, relayBatch > 0, client.connectionsPerHost > 0 else {
            throw ConfigurationError("HERALD_CALLBACK_PARALLELISM, HERALD_CALLBACK_CONNECTIONS and HERALD_CALLBACK_RELAY_BATCH must be positive")
        }
    }

    public func services(infrastructure: Infrastructure, client: CallbackClient, logger: Logger) async throws -> [any Service] {
        try await worker.topology.verify(on: infrastructure.bus, stages: [.callback])
        let store = CallbackStore(database: infrastructure.database, jobTimeout: infrastructure.recovery.jobTimeout, logger: logger)
        let callbackWorker = CallbackWorker(
            infrastructure: infrastructure, store: store, client: client, topology: worker.topology,
            parallelism: parallelism, logger: logger)
        let watchdog = infrastructure.watchdog(logger: logger)
        return [
            CallbackRelay(
                store: store, bus: infrastructure.bus, interval: relayInterval, batchSize: relayBatch, watchdog: watchdog,
                logger: logger),
            StageConsumer(
                bus: infrastructure.bus, stage: .callback, prefetch: worker.prefetch, concurrency: worker.concurrency,
                watchdog: watchdog, logger: logger, handle: callbackWorker.handle),
        ]
    }

    public static func run(environment: Environment, logger: Logger) async throws {
        let process = try CallbacksProcess(environment: environment)
        let client = CallbackClient(configuration: process.client)
        try await ProcessRuntime.runWorker(
            "herald-callbacks", environment: environment, databaseConnections: process.worker.databaseConnections,
            logger: logger) { infrastructure in
            try await process.services(infrastructure: infrastructure, client: client, logger: logger)
        }
        try await client.shutdown()
    }
}
