import Foundation
package import Logging

/// Ends the process when one unit of work (a batch of jobs, a round of a periodic task) outlives its limit. A
/// dependency that stops answering without failing (seen once: a database connection pool that, after the server
/// was killed, never handed out a connection again) would otherwise hold the process's jobs for good. Exiting puts
/// every job it held back on its queue, its supervisor (systemd `Restart=on-failure`, Kubernetes) starts it again,
/// and the sweeper resolves what it left in between. `HERALD_STALL_SECONDS` sets the limit.
package struct Watchdog: Sendable {
    /// nil: no limit.
    package let limit: Duration?
    let logger: Logger

    package init(limit: Duration?, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// A watchdog that never fires.
    package static let off = Watchdog(limit: nil, logger: Logger(label: "herald.watchdog"))

    package func guarding<T>(_ what: @autoclosure () -> String, _ body: () async throws -> T) async rethrows -> T {
        guard let limit else { return try await body() }
        let description = what()
        let logger = logger
        let timer = Task {
            try await Task.sleep(for: limit)
            logger.critical("\(description) has not finished after \(limit); exiting so that the process is restarted (the jobs it held go back to their queues)")
            FileHandle.standardError.write(Data("stalled: \(description)\n".utf8))
            exit(70)
        }
        defer { timer.cancel() }
        return try await body()
    }
}
