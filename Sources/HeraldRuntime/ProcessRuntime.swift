import ArgumentParser
import Foundation
import HeraldBus
import HeraldStore
package import Logging
import Metrics
package import Prometheus
package import ServiceLifecycle
import UnixSignals

/// What every Herald executable does around its services: logging and metrics set up once, graceful shutdown on
/// SIGTERM and SIGINT, and one readable line on stderr (and exit status 1) when it cannot start.
package enum ProcessRuntime {
    /// The registry `/metrics` serves.
    package static let metrics = PrometheusCollectorRegistry()

    @discardableResult
    package static func bootstrap(environment: Environment = Environment()) -> Logger.Level {
        let level = environment.optional(.logLevel).flatMap(Logger.Level.init(rawValue:)) ?? .info
        let json = environment.optional(.logFormat) == "json"
        LoggingSystem.bootstrap { label in
            if json { return RedactingLogHandler(JSONLogHandler(label: label, level: level)) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return RedactingLogHandler(handler)
        }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
        return level
    }

    /// Runs `body`, turning any error into one line and exit status 1.
    package static func main(_ name: String, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            fail(name, describe(error))
        }
    }

    /// Runs `body`, then `shutdown` whether `body` returned or threw: a provider client must be shut down before it
    /// goes away (AsyncHTTPClient traps otherwise), and a process that cannot start must still end with its one line.
    package static func closing(_ shutdown: () async throws -> Void, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            try? await shutdown()
            throw error
        }
        try await shutdown()
    }

    /// Names this process after its role (`herald-email`, the first 15 bytes kept), as the old executables were
    /// named: one program runs every role, and `ps`, `pgrep -x` and `top` still tell them apart.
    package static func nameProcess(_ name: String) {
        #if os(Linux)
        // /proc/self is the main thread's: the name the process table shows, whichever thread writes it.
        let file = open("/proc/self/comm", O_WRONLY)
        guard file >= 0 else { return }
        defer { close(file) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
        #endif
    }

    /// Writes `name: problem` on stderr and exits with status 1.
    package static func fail(_ name: String, _ problem: String) -> Never {
        FileHandle.standardError.write(Data("\(name): \(problem)\n".utf8))
        exit(1)
    }

    /// Runs a command-line tool's `body`: a failure is one line on stderr and exit status 1, through ArgumentParser.
    package static func command(_ name: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            FileHandle.standardError.write(Data("\(name): \(describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Runs services until SIGTERM or SIGINT, then shuts them down in reverse order.
    package static func run(_ services: [any Service], logger: Logger) async throws {
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }

    /// One readable line for an error, as the module it comes from describes it: the server's message (without
    /// quoted values) for a database error, the bus's account of a broker error, the setting for a configuration one.
    package static func describe(_ error: any Error) -> String {
        switch error {
        case let error as BusError: error.description
        case let error as ConfigurationError: error.description
        case let error as StoreError: error.description
        default: StoreError.describe(error)
        }
    }
}

extension ProcessRuntime {
    /// Connects to the database and the broker, then runs what `services` builds on them, with the process's
    /// `/metrics`, until SIGTERM or SIGINT.
    package static func runWorker(
        _ name: String, environment: Environment, databaseConnections: Int, logger: Logger,
        services: (Infrastructure) async throws -> [any Service]
    ) async throws {
        let infrastructure = try await Infrastructure.connect(
            environment: environment, processName: name, databaseConnections: databaseConnections, logger: logger)
        let metrics = try ObservabilityServer.service(
            process: name, environment: environment, database: infrastructure.database, bus: infrastructure.bus,
            logger: logger)
        try await run(
            [infrastructure.database, infrastructure.bus, metrics] + services(infrastructure), logger: logger)
    }
}
