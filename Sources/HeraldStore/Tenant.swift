package import Foundation

/// An application the fleet serves: its keys, templates, recipients and messages are its own, and so are its rate
/// limit and its delivery-status callback.
package struct Tenant: Sendable, Equatable {
    /// Tenant `default`, created by the schema; keys created without a tenant belong to it.
    package static let defaultID = UUID(uuidString: Migration.defaultTenant)!

    package var id: UUID
    package var name: String
    /// Messages accepted per minute, on average.
    package var ratePerMinute: Int
    /// Messages accepted at once after a quiet spell.
    package var burst: Int
    /// The locale a template falls back to before any other, when set; else the fleet's `HERALD_DEFAULT_LOCALE`.
    package var defaultLocale: String?
    package var callbackURL: String?
    package var createdAt: Date

    package static let defaultRatePerMinute = 3_000
    package static let defaultBurst = 1_000

    /// A tenant name: 1 to 100 letters, digits, '.', '_' or '-'.
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 100 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}
