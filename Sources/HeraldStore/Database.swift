public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// The PostgreSQL connection pool. Run it as a service (first in the group, so it stops last) and wait for
/// `checkConnection()` before relying on it: that turns a wrong password or an unreachable server into one clear error.
public final class Database: Service, Sendable {
    public let client: PostgresClient
    public let configuration: DatabaseConfiguration
    let logger: Logger

    public init(_ configuration: DatabaseConfiguration, logger: Logger) {
        self.configuration = configuration
        self.client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
        self.logger = logger
    }

    public func run() async {
        await client.run()
    }

    /// Opens one connection outside the pool and runs `select 1`: the pool retries failed connections quietly, while
    /// a direct connection reports a wrong password, an unknown database or a refused connection at once.
    /// A round trip through the pool, for readiness checks.
    public func ping() async throws {
        try await client.query("select 1", logger: logger)
    }

    public func checkConnection() async throws {
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
