import HeraldIntake
import Foundation
import HeraldStore
import Hummingbird

/// Requires `Authorization: Bearer <key>` naming an active API key, and puts the key's tenant (with its limits) in
/// the context.
struct AuthMiddleware: RouterMiddleware, Sendable {
    typealias Context = HeraldRequestContext

    let keys: KeyAuthenticator

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.principal = try await keys.principal(authorization: request.headers[.authorization])
        return try await next(request, context)
    }
}
