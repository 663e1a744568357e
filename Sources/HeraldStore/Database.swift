import Logging
import PostgresNIO
import ServiceLifecycle

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

    /// Runs `select 1`, failing with a readable error within `timeout`.
    public func checkConnection(timeout: Duration = .seconds(10)) async throws {
        let client = client
        let logger = logger
        let target = configuration.description
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await client.query("select 1", logger: logger).collect() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw StoreError(.unavailable, "no answer from \(target) within \(timeout)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "\(target): \(StoreError.describe(error))")
        }
    }
}
