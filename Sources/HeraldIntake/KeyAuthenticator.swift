import Foundation
package import HeraldStore
import Synchronization

/// Finds the principal of an `Authorization: Bearer <key>` value. Verified keys are remembered briefly so a busy
/// client does not cost a database round trip per request; a revoked key stops working, and a tenant's new limits
/// apply, within `cacheTTL`.
package final class KeyAuthenticator: Sendable {
    private let keys: any KeyDirectory
    private let cacheTTL: Duration
    private let cache = Mutex<[String: (principal: Principal, until: ContinuousClock.Instant)]>([:])

    package init(keys: any KeyDirectory, cacheTTL: Duration = .seconds(10)) {
        self.keys = keys
        self.cacheTTL = cacheTTL
    }

    /// The principal of an active key, or a 401 problem saying what is wrong with the header.
    package func principal(authorization header: String?) async throws -> Principal {
        guard let header, header.hasPrefix("Bearer "),
              case let secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), !secret.isEmpty
        else {
            throw Problem.unauthorized("send an API key as 'Authorization: Bearer <key>'")
        }
        let now = ContinuousClock.now
        var principal = cache.withLock { cache in cache[secret].flatMap { $0.until > now ? $0.principal : nil } }
        if principal == nil {
            principal = try await keys.authenticate(secret)
            if let principal {
                cache.withLock { cache in
                    if cache.count > 10_000 { cache.removeAll() }
                    cache[secret] = (principal, now + cacheTTL)
                }
            }
        }
        guard let principal else { throw Problem.unauthorized("the API key is unknown or revoked") }
        return principal
    }
}
