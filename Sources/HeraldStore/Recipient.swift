package import Foundation
package import HeraldCore
import PostgresNIO

/// A person Herald sends to by their id in the calling application, with where and how they want to be reached.
package struct Recipient: Sendable, Equatable {
    /// The tenant whose recipient this is: the same external id in two tenants is two recipients.
    package var tenantID: UUID
    package var externalID: String
    package var email: String?
    package var phone: String?
    package var locale: String?
    /// An IANA time zone identifier such as `Europe/Warsaw`.
    package var timeZone: String
    /// Whether the time zone was given (rather than the default, UTC): only a given one holds SMS for quiet hours.
    package var timeZoneGiven: Bool
    package var emailPreference: DeliveryPreference
    package var smsPreference: DeliveryPreference

    package init(
        tenantID: UUID = Tenant.defaultID, externalID: String, email: String?, phone: String?, locale: String?, timeZone: String,
        emailPreference: DeliveryPreference, smsPreference: DeliveryPreference, timeZoneGiven: Bool = true
    ) {
        self.timeZoneGiven = timeZoneGiven
        self.tenantID = tenantID
        self.externalID = externalID
        self.email = email
        self.phone = phone
        self.locale = locale
        self.timeZone = timeZone
        self.emailPreference = emailPreference
        self.smsPreference = smsPreference
    }

    package func preference(for channel: MessageChannel) -> DeliveryPreference {
        channel == .email ? emailPreference : smsPreference
    }

    package func address(for channel: MessageChannel) -> String? {
        channel == .email ? email : phone
    }
}
