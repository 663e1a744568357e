package import Foundation
package import HeraldStore

/// Tenants' settings as the API changes them, and their rate limits' buckets.
package protocol TenantDirectory: Sendable {
    func get(_ id: UUID) async throws -> Tenant?
    func setCallback(tenantID: UUID, url: String, secret: String) async throws
    func removeCallback(tenantID: UUID) async throws -> Bool
    /// Takes `count` tokens from the tenant's bucket; nil when taken, or how long until they would be.
    func take(_ count: Int, tenantID: UUID, ratePerMinute: Int, burst: Int) async throws -> Duration?
}

extension TenantRepository: TenantDirectory {}
