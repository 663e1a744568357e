import HeraldIntake
import Foundation
import HeraldCore
import HeraldRendering
import HeraldRuntime
import HeraldStore
import Hummingbird

/// `/v1/notifications`: system notifications that honour the recipient's preference.
extension APIHandlers {
    func addNotificationRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.post("notifications", use: postNotification)
    }

    /// A system notification to a recipient, delivered per their preference (`MessageIntake.acceptNotification`).
    func postNotification(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let (bytes, body) = try await readBody(request)
        let (status, response) = try await intake.acceptNotification(
            body, bytes: bytes, principal: try context.authenticated(), idempotencyKey: idempotencyKey(request))
        return raw(status, response)
    }
}
