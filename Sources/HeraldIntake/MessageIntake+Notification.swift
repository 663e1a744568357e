import Foundation
package import HeraldCore
package import HeraldStore

extension MessageIntake {
    /// Accepts a system notification to a known recipient (the body of `POST /v1/notifications`), delivered per the
    /// recipient's preference: queued now for `immediate`, otherwise rendered now (the digest shows things as they
    /// were) and deferred until their window closes. Returns the answer's status and body, or throws the problem.
    package func acceptNotification(
        _ body: JSONValue, bytes: [UInt8], principal: Principal, idempotencyKey: String?
    ) async throws -> (status: Int, body: [UInt8]) {
        if let stored = try await replay(idempotencyKey, tenantID: principal.tenantID, body: bytes) { return stored }
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(
            body, allowed: ["recipient", "template", "variables", "category", "locale", "reference", "urgent", "from"],
            problems: &problems)
        let recipientID = reader.string("recipient", required: true, maxLength: 200, problems: &problems)
        let templateName = reader.string("template", required: true, maxLength: 200, problems: &problems)
        let variables = reader.object("variables", problems: &problems) ?? .object([:])
        let category = reader.string("category", maxLength: 200, problems: &problems)
        let requestedLocale = reader.string("locale", maxLength: 35, problems: &problems)
        let reference = reader.string("reference", maxLength: 128, problems: &problems)
        let urgent = reader.bool("urgent", problems: &problems) ?? false
        let sender = EmailSender.parse(reader, problems: &problems)
        guard problems.isEmpty, let recipientID, let templateName else { throw Problem.validation(problems) }

        guard let recipient = try await recipients.get(recipientID, tenantID: principal.tenantID) else {
            throw Problem.validation([.init("recipient", "no recipient '\(recipientID)'; create it with PUT /v1/recipients/{id}")])
        }
        let locale = requestedLocale ?? recipient.locale ?? ""
        let resolution = try await templates.resolve(
            tenantID: principal.tenantID, name: templateName, locale: locale, defaultLocale: defaultLocale(for: principal))
        guard let template = resolution.template else {
            throw Problem.validation([.init("template", resolution.problem(name: templateName, locale: locale) ?? "")])
        }
        if let sender {
            guard template.channel == .email else { throw Problem.validation([.init("from", "is for email templates only")]) }
            let refused = try await EmailSender.check([("from", sender)], tenantID: principal.tenantID, domains: domains)
            if !refused.isEmpty { throw Problem.validation(refused) }
        }
        let now = clock.now()
        let preference = recipient.preference(for: template.channel)
        var row = try NotificationPlan.message(
            to: recipient, template: template, variables: variables, category: category, now: now, renderer: renderer)
        row.reference = reference
        row.sender = sender
        if !urgent, recipient.timeZoneGiven {
            QuietHoursRule.hold(&row, hours: try await quietHours.get(tenantID: principal.tenantID)[template.channel],
                                timeZone: recipient.timeZone)
        }
        let deferredUntil = row.deferredUntil
        return try await store(
            [row], kind: "notification", principal: principal, idempotencyKey: idempotencyKey, requestBody: bytes
        ) { accepted in
            let (id, state) = accepted.messages[0]
            var object: [String: JSONValue] = [
                "id": .string(id.uuidString.lowercased()),
                "procedure_id": .string(accepted.procedureID.uuidString.lowercased()),
                "state": .string(state.rawValue), "preference": .string(preference.description),
            ]
            if let deferredUntil { object["deliver_after"] = .string(Timestamp.string(deferredUntil)) }
            return Array(JSONValue.object(object).encoded().utf8)
        }
    }
}
