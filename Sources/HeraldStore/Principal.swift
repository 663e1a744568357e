package import Foundation

/// Who a request acts for: the API key that authenticated it and the key's tenant, with the tenant's limits.
package struct Principal: Sendable, Equatable {
    package var keyID: UUID
    package var tenantID: UUID
    package var ratePerMinute: Int
    package var burst: Int
    package var defaultLocale: String?
    /// An operator key also acts on the whole fleet (every tenant's dead letters); others only on their tenant.
    package var isOperator: Bool

    package init(
        keyID: UUID, tenantID: UUID, ratePerMinute: Int, burst: Int, defaultLocale: String?, isOperator: Bool = false
    ) {
        self.keyID = keyID
        self.tenantID = tenantID
        self.ratePerMinute = ratePerMinute
        self.burst = burst
        self.defaultLocale = defaultLocale
        self.isOperator = isOperator
    }
}
