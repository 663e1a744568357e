package import Foundation
import HeraldCore
package import Logging
import PostgresNIO

package struct RecipientRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    /// Creates or replaces a recipient; true when it was created.
    @discardableResult
    package func put(_ recipient: Recipient) async throws -> Bool {
        let (hour, weekday) = Self.hourAndWeekday(recipient)
        let rows = try await client.query("""
            insert into recipients (tenant_id, external_id, email, phone, locale, timezone, preference, sms_preference, digest_hour, digest_weekday,
                                    timezone_given)
            values (\(recipient.tenantID), \(recipient.externalID), \(recipient.email), \(recipient.phone), \(recipient.locale), \(recipient.timeZone),
                    \(recipient.emailPreference.mode), \(recipient.smsPreference.mode), \(hour), \(weekday), \(recipient.timeZoneGiven))
            on conflict (tenant_id, external_id) do update set
                email = excluded.email, phone = excluded.phone, locale = excluded.locale, timezone = excluded.timezone,
                timezone_given = excluded.timezone_given,
                preference = excluded.preference, sms_preference = excluded.sms_preference,
                digest_hour = excluded.digest_hour, digest_weekday = excluded.digest_weekday, updated_at = now()
            returning (xmax = 0)
            """, logger: logger)
        for try await created in rows.decode(Bool.self) { return created }
        return false
    }

    package func get(_ externalID: String, tenantID: UUID) async throws -> Recipient? {
        try await Self.decode(client.query("""
            select \(unescaped: Self.columns) from recipients where tenant_id = \(tenantID) and external_id = \(externalID)
            """, logger: logger)).first
    }

    /// The columns `decode` reads, in its order.
    static let columns = "tenant_id, external_id, email, phone, locale, timezone, preference, sms_preference, digest_hour, digest_weekday, timezone_given"

    static func decode(_ rows: PostgresRowSequence) async throws -> [Recipient] {
        var found: [Recipient] = []
        for try await (tenant, id, email, phone, locale, timeZone, emailMode, smsMode, hour, weekday, given) in rows.decode(
            (UUID, String, String?, String?, String?, String, String, String, Int, Int, Bool).self)
        {
            found.append(Recipient(
                tenantID: tenant, externalID: id, email: email, phone: phone, locale: locale, timeZone: timeZone,
                emailPreference: (try? DeliveryPreference(mode: emailMode, hour: hour, weekday: weekday)) ?? .immediate,
                smsPreference: (try? DeliveryPreference(mode: smsMode, hour: hour, weekday: weekday)) ?? .immediate,
                timeZoneGiven: given))
        }
        return found
    }

    /// The hour and weekday kept for the recipient: those of whichever preference names them.
    static func hourAndWeekday(_ recipient: Recipient) -> (Int, Int) {
        var hour = 8
        var weekday = 1
        for preference in [recipient.smsPreference, recipient.emailPreference] {
            switch preference {
            case .daily(let h): hour = h
            case .weekly(let w, let h): (weekday, hour) = (w, h)
            case .immediate, .hourly: continue
            }
        }
        return (hour, weekday)
    }
}
