import HeraldPipeline
import HeraldBus
package import HeraldProviders
package import HeraldRuntime
import HeraldStore
package import Logging
package import ServiceLifecycle
import HeraldCore

/// `herald-callbacks`: its settings, read once, and the services it runs (the relay of due callbacks and the
/// consumer of `herald.callback`).
package struct CallbacksProcess: Sendable {
    package var worker: WorkerConfiguration
    package var client: CallbackConfiguration
    package var sending: CallbackWorker.Settings
    package var relayInterval: Duration
    package var relayBatch: Int

    package init(environment: Environment) throws {
        worker = try WorkerConfiguration(environment: environment)
        let addresses: CallbackAddressPolicy
        do {
            addresses = try CallbackAddressPolicy(allowedNetworks: environment.optional(.callbackAllowedNetworks))
        } catch {
            throw ConfigurationError(error.description)
        }
        client = CallbackConfiguration(
            timeout: .milliseconds(try environment.int(.callbackTimeout)),
            connectionsPerHost: try environment.int(.callbackConnections), addresses: addresses)
        sending = CallbackWorker.Settings(
            parallelism: try environment.int(.callbackParallelism),
            perReceiver: try environment.int(.callbackReceiverParallelism),
            breakerFailures: try environment.int(.callbackBreakerFailures),
            breakerMaximum: .seconds(try environment.int(.callbackBreakerMaxSeconds)))
        relayInterval = .milliseconds(try environment.int(.callbackRelayInterval))
        relayBatch = try environment.int(.callbackRelayBatch)
    }

    package func services(infrastructure: Infrastructure, client: CallbackClient, logger: Logger) async throws -> [any Service] {
        try await worker.topology.verify(on: infrastructure.bus, stages: [.callback])
        let store = CallbackStore(database: infrastructure.database, jobTimeout: infrastructure.recovery.jobTimeout, logger: logger)
        let callbackWorker = CallbackWorker(
            infrastructure: infrastructure, store: store, client: client, topology: worker.topology, settings: sending,
            logger: logger)
        let watchdog = infrastructure.watchdog(logger: logger)
        // Shut down in reverse: the consumer stops taking jobs, then the senders finish, then the relay.
        return [
            CallbackRelay(
                store: store, bus: infrastructure.bus, interval: relayInterval, batchSize: relayBatch, watchdog: watchdog,
                logger: logger),
            callbackWorker,
            StageConsumer(
                bus: infrastructure.bus, stage: .callback, prefetch: worker.prefetch, concurrency: worker.concurrency,
                watchdog: watchdog, logger: logger, handle: callbackWorker.handle),
        ]
    }

    package static func run(environment: Environment, logger: Logger) async throws {
        let process = try CallbacksProcess(environment: environment)
        let client = CallbackClient(configuration: process.client)
        try await ProcessRuntime.closing(client.shutdown) {
            try await ProcessRuntime.runWorker(
                "herald-callbacks", environment: environment, databaseConnections: process.worker.databaseConnections,
                logger: logger) { infrastructure in
                try await process.services(infrastructure: infrastructure, client: client, logger: logger)
            }
        }
    }
}
