import Foundation
import HeraldRuntime
package import HeraldStore
package import Logging
import ServiceLifecycle
import Synchronization

/// The tenants' return-path domains herald-inbound accepts mail for besides the bounce domain, read from the database
/// every `interval` (a domain added with `herald ctl domains add --return-path-domain` is accepted within it).
package final class ReturnPathDomains: Service, Sendable {
    let store: SendingDomainStore
    let interval: Duration
    let logger: Logger
    private let domains = Mutex<Set<String>>([])

    package init(store: SendingDomainStore, interval: Duration = .seconds(30), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    package var current: Set<String> { domains.withLock { $0 } }

    /// Reads them now (at start, so that the first sessions know them).
    package func load() async throws {
        let found = Set(try await store.returnPathDomains().keys)
        domains.withLock { $0 = found }
    }

    package func run() async throws {
        await repeatPasses("reading the return-path domains", interval: interval, logger: logger) {
            try await load()
            return false
        }
    }
}
