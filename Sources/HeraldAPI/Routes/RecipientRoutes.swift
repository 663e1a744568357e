import HeraldIntake
import Foundation
import HeraldCore
import HeraldRendering
import HeraldRuntime
import HeraldStore
import Hummingbird

/// `/v1/recipients/{id}`: recipients and their delivery preferences.
extension APIHandlers {
    func addRecipientRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.put("recipients/:id", use: putRecipient)
        group.get("recipients/:id", use: getRecipient)
    }

    func putRecipient(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try recipientID(context)
        let body = try await readJSON(request)
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(
            body, allowed: ["email", "phone", "locale", "timezone", "preference", "digest_hour", "digest_weekday"],
            problems: &problems)
        var email = reader.string("email", maxLength: 254, problems: &problems)
        if let raw = email {
            do { email = try EmailAddress(raw).value } catch { problems.append(.init("email", "\(error)")) }
        }
        let phone = reader.string("phone", maxLength: 16, problems: &problems)
        if let phone, !PhoneNumber.isE164(phone) {
            problems.append(.init("phone", "must be an E.164 number such as +48601234567"))
        }
        let locale = reader.string("locale", maxLength: 35, problems: &problems)
        let zone = reader.string("timezone", maxLength: 64, problems: &problems) ?? "UTC"
        if TimeZone(identifier: zone) == nil {
            problems.append(.init("timezone", "'\(zone)' is not an IANA time zone such as Europe/Warsaw"))
        }
        var hour = reader.integer("digest_hour", problems: &problems) ?? 8
        if !(0...23).contains(hour) {
            problems.append(.init("digest_hour", "must be an hour from 0 to 23, got \(hour)"))
            hour = 8  // reported once, here, rather than again for each channel's preference
        }
        var weekday = 1
        if let raw = reader.string("digest_weekday", maxLength: 10, problems: &problems) {
            if let index = DeliveryPreference.weekdays.firstIndex(of: raw.lowercased()) {
                weekday = index + 1
            } else {
                problems.append(.init("digest_weekday", "must be a weekday such as 'monday', got '\(raw)'"))
            }
        }
        // One preference for both channels, or one per channel.
        var modes: [MessageChannel: String] = [:]
        switch reader.object["preference"] {
        case .string(let mode)?:
            modes = [.email: mode, .sms: mode]
        case .object(let perChannel)?:
            for (key, value) in perChannel {
                guard let channel = MessageChannel(rawValue: key) else {
                    problems.append(.init("preference.\(key)", "unknown channel; use email or sms"))
                    continue
                }
                guard let mode = value.string else {
                    problems.append(.init("preference.\(key)", "must be a string, got \(value.typeName)"))
                    continue
                }
                modes[channel] = mode
            }
        case nil, .null?:
            problems.append(.init("preference", "is required: immediate, hourly, daily or weekly"))
        case let other?:
            problems.append(.init("preference", "must be a string or an object per channel, got \(other.typeName)"))
        }
        var preferences: [MessageChannel: DeliveryPreference] = [:]
        for channel in MessageChannel.allCases {
            do throws(DeliveryPreference.Invalid) {
                preferences[channel] = try DeliveryPreference(mode: modes[channel] ?? "immediate", hour: hour, weekday: weekday)
            } catch {
                let field = reader.object["preference"]?.object == nil ? "preference" : "preference.\(channel.rawValue)"
                if !problems.contains(where: { $0.name == field }) { problems.append(.init(field, error.description)) }
            }
        }
        guard problems.isEmpty, let emailPreference = preferences[.email], let smsPreference = preferences[.sms] else {
            throw Problem.validation(problems)
        }
        let recipient = Recipient(
            tenantID: try context.authenticated().tenantID, externalID: id, email: email, phone: phone, locale: locale, timeZone: zone,
            emailPreference: emailPreference, smsPreference: smsPreference, timeZoneGiven: reader.has("timezone"))
        let created = try await recipients.put(recipient)
        return json(created ? .created : .ok, Self.recipientJSON(recipient))
    }

    func getRecipient(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try recipientID(context)
        guard let recipient = try await recipients.get(id, tenantID: try context.authenticated().tenantID) else { throw Problem.notFound("no recipient '\(id)'") }
        return json(.ok, Self.recipientJSON(recipient))
    }

    static func recipientJSON(_ recipient: Recipient) -> JSONValue {
        .object([
            "external_id": .string(recipient.externalID),
            "email": recipient.email.map(JSONValue.string) ?? .null, "phone": recipient.phone.map(JSONValue.string) ?? .null,
            "locale": recipient.locale.map(JSONValue.string) ?? .null, "timezone": .string(recipient.timeZone),
            "preference": .object([
                "email": .string(recipient.emailPreference.description), "sms": .string(recipient.smsPreference.description),
            ]),
        ])
    }

    private func recipientID(_ context: HeraldRequestContext) throws -> String {
        let id = context.parameters.get("id")?.removingPercentEncoding ?? ""
        guard !id.isEmpty, id.count <= 200, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Problem.validation([.init("external_id", "must be 1 to 200 printable characters")])
        }
        return id
    }
}
