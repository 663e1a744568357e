import Foundation
import HTTPTypes
package import HeraldCore
package import HeraldStore

extension MessageIntake {
    /// Accepts a reminder (the body of `POST /v1/reminders`): a message scheduled at `due_at` minus each
    /// `remind_before` (or at `due_at` itself), all under one key that cancels them. Returns the answer's status and
    /// body, or throws the problem.
    package func acceptReminder(
        _ body: JSONValue, bytes: [UInt8], principal: Principal, idempotencyKey: String?
    ) async throws -> (status: Int, body: [UInt8]) {
        if let stored = try await replay(idempotencyKey, tenantID: principal.tenantID, body: bytes) { return stored }
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
        let pending = try await store.pendingReminders(key: key, tenantID: principal.tenantID)
        guard pending == 0 else {
            throw Problem(.conflict, type: "reminder-exists", title: "Reminder exists",
                          detail: "reminder '\(key)' has \(pending) pending messages; DELETE /v1/reminders/\(key) first")
        }
        var rows = try await prepare(requests, paths: Array(repeating: "", count: requests.count), principal: principal, now: now)
        for index in rows.indices { rows[index].reminderKey = key }
        return try await store(
            rows, kind: "reminder", principal: principal, idempotencyKey: idempotencyKey, requestBody: bytes
        ) { accepted in
            Array(JSONValue.object([
                "key": .string(key), "procedure_id": .string(accepted.procedureID.uuidString.lowercased()),
                "message_ids": .array(accepted.messages.map { .string($0.id.uuidString.lowercased()) }),
                "remind_at": .array(remindAt.map { .string(Timestamp.string($0)) }),
            ]).encoded().utf8)
        }
    }
}
