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

    /// Scheduled messages ahead of a deadline (`MessageIntake.acceptReminder`).
    func postReminder(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (bytes, body) = try await readBody(request)
        let (status, response) = try await intake.acceptReminder(
            body, bytes: bytes, principal: try context.authenticated(), idempotencyKey: idempotencyKey(request))
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
