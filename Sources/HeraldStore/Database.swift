package import Logging
package import PostgresNIO
import ServiceLifecycle

/// The PostgreSQL connection pool. Run it as a service (first in the group, so it stops last) and wait for
/// `checkConnection()` before relying on it: that turns a wrong password or an unreachable server into one clear error.
package final class Database: Service, Sendable {
    package let client: PostgresClient
    package let configuration: DatabaseConfiguration
    let logger: Logger

    package init(_ configuration: DatabaseConfiguration, logger: Logger) {
        self.configuration = configuration
        self.client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
        self.logger = logger
    }

    package func run() async {
        await client.run()
    }

    /// Opens one connection outside the pool and runs `select 1`: the pool retries failed connections quietly, while
    /// a direct connection reports a wrong password, an unknown database or a refused connection at once.
    /// A round trip through the pool, for readiness checks.
    package func ping() async throws {
        try await client.query("select 1", logger: logger)
    }

    package func checkConnection() async throws {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try configuration.connection, id: 0, logger: logger)
            defer { Task { try? await connection.close() } }
            try await connection.query("select 1", logger: logger)
        } catch {
            let account = StoreError.describe(error)
            // NIOSSL's account of a refused certificate is long and names a source file; the operator needs what to check.
            if account.contains("CERTIFICATE_VERIFY_FAILED") {
                throw StoreError(.tlsFailed, "\(configuration.host):\(configuration.port): the database's certificate "
                    + "does not verify (it must verify against \(configuration.caFile ?? "the system's CAs")"
                    + (configuration.tls == .verifyFull ? " and name the host)" : ")"))
            }
            throw StoreError(.unavailable, "\(configuration): \(account)")
        }
    }
}
