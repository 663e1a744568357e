package import HeraldBus
import HeraldCore
package import HeraldStore
package import Hummingbird
package import Logging
import NIOCore
package import ServiceLifecycle
import Foundation
import Prometheus

/// What every Herald process serves on its own `HERALD_METRICS_ADDRESS`: `/metrics` (Prometheus text), `/healthz`
/// (the process runs) and `/readyz` (its database and, where it uses one, the broker answer).
package enum ObservabilityServer {
    package static func service(
        process: String, environment: Environment, database: Database, bus: BusClient?, logger: Logger
    ) throws -> any Service {
        // Each role has a port of its own by default, so that one of each can run on a host without settings.
        let (host, port) = try environment.hostAndPort(.metricsAddress, role: Role(processName: process), ports: 0...65535)
        let router = Router()
        addRoutes(to: router, database: database, bus: bus, logger: logger)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)
    }

    package static func addRoutes<Context: RequestContext>(
        to router: Router<Context>, database: Database, bus: BusClient?, logger: Logger
    ) {
        router.get("healthz") { _, _ in text(.ok, "{\"status\":\"ok\"}", type: "application/json") }
        router.get("readyz") { _, _ in
            let failures = await readinessFailures(database: database, bus: bus)
            guard failures.isEmpty else {
                let detail = failures.joined(separator: "; ").replacingOccurrences(of: "\"", with: "'")
                return text(.serviceUnavailable, """
                    {"type":"urn:herald:problem:not-ready","title":"Not ready","status":503,"detail":"\(detail)"}
                    """, type: "application/problem+json")
            }
            return text(.ok, "{\"status\":\"ready\"}", type: "application/json")
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: ProcessRuntime.metrics.emitToBuffer())))
        }
    }

    /// What keeps a process from being ready, each named with its error: the database, and the broker where the
    /// process uses one. Empty when both answer.
    package static func readinessFailures(database: Database, bus: BusClient?) async -> [String] {
        var failures: [String] = []
        do { try await database.ping() } catch { failures.append("database: \(ProcessRuntime.describe(error))") }
        if let bus {
            do { _ = try await bus.queueStatus(Stage.render.queue) } catch { failures.append("broker: \(error)") }
        }
        return failures
    }

    static func text(_ status: HTTPResponse.Status, _ body: String, type: String) -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
