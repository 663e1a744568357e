import Foundation
package import HeraldProviders
package import HeraldStore
package import Logging

/// herald-email's view of the tenants' sending domains: each From domain's DKIM keys (parsed once) and return-path
/// domain, read from the database for the domains of a batch and kept for `ttl`, so a key created, rotated or removed
/// takes effect within it.
package actor SenderDomains {
    package struct Entry: Sendable {
        package var keys: [DKIMKey]
        package var returnPathDomain: String?
    }

    let store: SendingDomainStore
    let ttl: Duration
    let logger: Logger
    private var cache: [String: (entry: Entry, until: ContinuousClock.Instant)] = [:]

    package init(store: SendingDomainStore, ttl: Duration = .seconds(30), logger: Logger) {
        self.store = store
        self.ttl = ttl
        self.logger = logger
    }

    /// The entries of these domains (a domain no tenant has: no keys, no return-path domain).
    package func entries(for domains: Set<String>) async throws -> [String: Entry] {
        let now = ContinuousClock.now
        let missing = domains.filter { (cache[$0]?.until).map { $0 < now } ?? true }
        if !missing.isEmpty {
            let found = try await store.sending(for: missing)
            for domain in missing {
                let sending = found[domain] ?? DomainSending()
                var keys: [DKIMKey] = []
                for key in sending.keys {
                    do {
                        keys.append(try DKIMKey(domain: key.domain, selector: key.selector, algorithm: key.algorithm, privateKey: key.privateKey))
                    } catch {
                        logger.error("a DKIM key cannot be used: \(error)")
                    }
                }
                cache[domain] = (Entry(keys: keys, returnPathDomain: sending.returnPathDomain), now + ttl)
            }
        }
        return Dictionary(uniqueKeysWithValues: domains.compactMap { domain in cache[domain].map { (domain, $0.entry) } })
    }
}
