import HeraldIntake
import Foundation
import HeraldCore
import HeraldRendering
import HeraldRuntime
import HeraldStore
import Hummingbird

/// `/v1/reminders`: scheduled messages ahead of a deadline, cancelled by key.
extension APIHandlers {
    func addReminderRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.post("reminders", use: postReminder)
        group.delete("reminders/:key", use: deleteReminder)
    }

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
        let principal = try context.authenticated()
        let pending = try await store.pendingReminders(key: key, tenantID: principal.tenantID)
        guard pending == 0 else {
            throw Problem(.conflict, type: "reminder-exists", title: "Reminder exists",
                          detail: "reminder '\(key)' has \(pending) pending messages; DELETE /v1/reminders/\(key) first")
        }
        var rows = try await intake.prepare(
            requests, paths: Array(repeating: "", count: requests.count), principal: principal, now: now)
        for index in rows.indices { rows[index].reminderKey = key }
        let (status, response) = try await intake.store(
            rows, kind: "reminder", principal: principal, idempotencyKey: idempotencyKey(request), requestBody: bytes
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
        let cancelled = try await store.cancelReminder(key: key, tenantID: try context.authenticated().tenantID)
        return json(.ok, .object(["key": .string(key), "cancelled": .int(Int64(cancelled))]))
    }
}
