package import Foundation
package import HeraldCore
import PostgresNIO

/// One entry of a tenant's suppression list: an address its messages of `channel` must not reach (those of
/// `category` only, or all when it is nil), and why.
package struct Suppression: Sendable, Positioned {
    package enum Reason: String, Sendable, CaseIterable {
        case hardBounce = "hard_bounce"
        case complaint
        case unsubscribe
        case manual
    }

    package var channel: MessageChannel
    package var address: String
    package var reason: Reason
    package var category: String?
    package var messageID: UUID?
    package var note: String?
    package var createdAt: Date
    package var expiresAt: Date?
    package var position: ListPosition

    /// The address as the list keys it: an email address in lower case, a phone number in E.164 (the `+` added
    /// when a URL's decoding turned it into a space or dropped it); nil when it is neither.
    package static func normalized(_ address: String, channel: MessageChannel) -> String? {
        switch channel {
        case .email:
            let lowered = address.lowercased()
            do {
                return try EmailAddress(lowered).value
            } catch {
                return nil
            }
        case .sms:
            var phone = address.trimmingCharacters(in: .whitespaces)
            if !phone.hasPrefix("+") { phone = "+" + phone }
            return PhoneNumber.isE164(phone) ? phone : nil
        }
    }
}
