import Foundation
import HeraldCore
import HeraldRendering
import HeraldStore
import Hummingbird

/// Recipients and their delivery preferences, notifications that honour them, and reminders.
extension APIHandlers {
    // MARK: Recipients

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
            externalID: id, email: email, phone: phone, locale: locale, timeZone: zone,
            emailPreference: emailPreference, smsPreference: smsPreference)
        let created = try await recipients.put(recipient)
        return json(created ? .created : .ok, Self.recipientJSON(recipient))
    }

    func getRecipient(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try recipientID(context)
        guard let recipient = try await recipients.get(id) else { throw Problem.notFound("no recipient '\(id)'") }
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

    // MARK: Notifications

    /// A system notification to a recipient, delivered per their preference: queued now for `immediate`, otherwise
    /// rendered now (the digest shows things as they were) and deferred until their window closes.
    func postNotification(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (bytes, body) = try await readBody(request)
        if let replay = try await replay(request, context: context, body: bytes) { return replay }
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(body, allowed: ["recipient", "template", "variables", "category", "locale"], problems: &problems)
        let recipientID = reader.string("recipient", required: true, maxLength: 200, problems: &problems)
        let templateName = reader.string("template", required: true, maxLength: 200, problems: &problems)
        let variables = reader.object("variables", problems: &problems) ?? .object([:])
        let category = reader.string("category", maxLength: 200, problems: &problems)
        let requestedLocale = reader.string("locale", maxLength: 35, problems: &problems)
        guard problems.isEmpty, let recipientID, let templateName else { throw Problem.validation(problems) }

        guard let recipient = try await recipients.get(recipientID) else {
            throw Problem.validation([.init("recipient", "no recipient '\(recipientID)'; create it with PUT /v1/recipients/{id}")])
        }
        let locale = requestedLocale ?? recipient.locale ?? ""
        guard let template = try await templates.resolve(name: templateName, locale: locale) else {
            throw Problem.validation([.init("template", "no template named '\(templateName)'")])
        }
        let now = clock.now()
        let preference = recipient.preference(for: template.channel)
        let row = try NotificationPlan.message(
            to: recipient, template: template, variables: variables, category: category, now: now)
        let deferredUntil = row.deferredUntil
        let (status, response) = try await intake.store(
            [row], kind: "notification", apiKeyID: context.apiKeyID, idempotencyKey: idempotencyKey(request),
            requestBody: bytes
        ) { accepted in
            let (id, state) = accepted.messages[0]
            var object: [String: JSONValue] = [
                "id": .string(id.lowercased), "procedure_id": .string(accepted.procedureID.lowercased),
                "state": .string(state.rawValue), "preference": .string(preference.description),
            ]
            if let deferredUntil { object["deliver_after"] = .string(Timestamp.string(deferredUntil)) }
            return Array(JSONValue.object(object).encoded().utf8)
        }
        return raw(status, response)
    }

    // MARK: Reminders

    /// Scheduled messages ahead of a deadline: one at `due_at` minus each `remind_before` (or at `due_at` itself).
    func postReminder(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (bytes, body) = try await readBody(request)
        if let replay = try await replay(request, context: context, body: bytes) { return replay }
        var problems: [Problem.InvalidParam] = []
        let reminderFields: Set<String> = ["key", "due_at", "remind_before", "if_past"]
        let reader = FieldReader(body, allowed: MessageRequest.fields.union(reminderFields).subtracting(["send_at"]), problems: &problems)
        let key = reader.string("key", required: true, maxLength: 200, problems: &problems)
        let dueAt = reader.timestamp("due_at", problems: &problems)
        if dueAt == nil && !reader.has("due_at") { problems.append(.init("due_at", "is required")) }
        let ifPast = reader.choice("if_past", ReminderPlan.IfPast.self, required: false, problems: &problems) ?? .reject
        let offsets = ReminderPlan.offsets(reader.object["remind_before"], problems: &problems)
        // The rest of the body is a message, as for POST /v1/messages.
        // (`send_at` is not among the allowed fields: the reader has already named it as unknown.)
        let messageFields = reader.object.filter { !reminderFields.contains($0.key) }
        let message = MessageRequest.parse(.object(messageFields), path: "", problems: &problems)
        guard problems.isEmpty, let key, let dueAt, let message else { throw Problem.validation(problems) }

        let now = clock.now()
        guard let plan = ReminderPlan.plan(dueAt: dueAt, offsets: offsets, ifPast: ifPast, now: now, problems: &problems)
        else { throw Problem.validation(problems) }
        let requests = plan.sendTimes.map { at in
            var request = message
            request.sendAt = at
            return request
        }
        let remindAt = plan.sendTimes
        let pending = try await store.pendingReminders(key: key, apiKeyID: context.apiKeyID)
        guard pending == 0 else {
            throw Problem(.conflict, type: "reminder-exists", title: "Reminder exists",
                          detail: "reminder '\(key)' has \(pending) pending messages; DELETE /v1/reminders/\(key) first")
        }
        var rows = try await intake.prepare(requests, paths: Array(repeating: "", count: requests.count), now: now)
        for index in rows.indices { rows[index].reminderKey = key }
        let (status, response) = try await intake.store(
            rows, kind: "reminder", apiKeyID: context.apiKeyID, idempotencyKey: idempotencyKey(request), requestBody: bytes
        ) { accepted in
            Array(JSONValue.object([
                "key": .string(key), "procedure_id": .string(accepted.procedureID.lowercased),
                "message_ids": .array(accepted.messages.map { .string($0.id.lowercased) }),
                "remind_at": .array(remindAt.map { .string(Timestamp.string($0)) }),
            ]).encoded().utf8)
        }
        return raw(status, response)
    }

    func deleteReminder(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let key = context.parameters.get("key")?.removingPercentEncoding ?? ""
        guard !key.isEmpty, key.count <= 200 else {
            throw Problem.validation([.init("key", "must be 1 to 200 characters")])
        }
        let cancelled = try await store.cancelReminder(key: key, apiKeyID: context.apiKeyID)
        return json(.ok, .object(["key": .string(key), "cancelled": .int(Int64(cancelled))]))
    }
}
