package import Foundation
package import HeraldStore

/// Which sending domains a tenant has registered.
package protocol DomainOwnership: Sendable {
    /// Those of `domains` that the tenant owns.
    func owned(_ domains: Set<String>, tenantID: UUID) async throws -> Set<String>
}

extension SendingDomainStore: DomainOwnership {}
