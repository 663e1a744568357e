public import Foundation

/// An application the fleet serves: its keys, templates, recipients and messages are its own, and so are its rate
/// limit and its delivery-status callback.
public struct Tenant: Sendable, Equatable {
    /// Tenant `default`, created by the schema; keys created without a tenant belong to it.
    public static let defaultID = UUID(uuidString: Migration.defaultTenant)!

    public var id: UUID
    public var name: String
    /// Messages accepted per minute, on average.
    public var ratePerMinute: Int
    /// Messages accepted at once after a quiet spell.
    public var burst: Int
    /// The locale a template falls back to before any other, when set; else the fleet's `HERALD_DEFAULT_LOCALE`.
    public var defaultLocale: String?
    public var callbackURL: String?
    public var createdAt: Date

    public static let defaultRatePerMinute = 3_000
    public static let defaultBurst = 1_000

    /// A tenant name: 1 to 100 letters, digits, '.', '_' or '-'.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 100 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}

/// Who a request acts for: the API key that authenticated it and the key's tenant, with the tenant's limits.
public struct Principal: Sendable, Equatable {
    public var keyID: UUID
    public var tenantID: UUID
    public var ratePerMinute: Int
    public var burst: Int
    public var defaultLocale: String?
    /// An operator key also acts on the whole fleet (every tenant's dead letters); others only on their tenant.
    public var isOperator: Bool

    public init(
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
