import Foundation
import HeraldServer
public import HeraldStore
public import Logging
public import ServiceLifecycle
import Synchronization

/// The tenants' return-path domains herald-inbound accepts mail for besides the bounce domain, read from the database
/// every `interval` (a domain added with `herald ctl domains add --return-path-domain` is accepted within it).
public final class ReturnPathDomains: Service, Sendable {
    let store: SendingDomainStore
    let interval: Duration
    let logger: Logger
    private let domains = Mutex<Set<String>>([])

    public init(store: SendingDomainStore, interval: Duration = .seconds(30), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public var current: Set<String> { domains.withLock { $0 } }

    /// Reads them now (at start, so that the first sessions know them).
    public func load() async throws {
        let found = Set(try await store.returnPathDomains().keys)
        domains.withLock { $0 = found }
    }

    public func run() async throws {
        await repeatPasses("reading the return-path domains", interval: interval, logger: logger) {
            try await load()
            return false
        }
    }
}
