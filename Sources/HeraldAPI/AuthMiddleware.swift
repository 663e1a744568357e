import Foundation
import HeraldStore
import Hummingbird
import Synchronization

/// Requires `Authorization: Bearer <key>` naming an active API key, and puts the key's tenant (with its limits) in
/// the context. Verified keys are remembered briefly so a busy
/// client does not cost a database round trip per request; a revoked key stops working, and a tenant's new limits
/// apply, within `cacheTTL`.
final class AuthMiddleware: RouterMiddleware, Sendable {
    typealias Context = HeraldRequestContext

    private let keys: APIKeyRepository
    private let cacheTTL: Duration
    private let cache = Mutex<[String: (principal: Principal, until: ContinuousClock.Instant)]>([:])

    init(keys: APIKeyRepository, cacheTTL: Duration = .seconds(10)) {
        self.keys = keys
        self.cacheTTL = cacheTTL
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              case let secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), !secret.isEmpty
        else {
            throw Self.unauthorized("send an API key as 'Authorization: Bearer <key>'")
        }
        let now = ContinuousClock.now
        var principal = cache.withLock { cache in cache[secret].flatMap { $0.until > now ? $0.principal : nil } }
        if principal == nil {
            principal = try await keys.authenticate(secret)
            if let principal {
                cache.withLock { cache in
                    if cache.count > 10_000 { cache.removeAll() }
                    cache[secret] = (principal, now + cacheTTL)
                }
            }
        }
        guard let principal else { throw Self.unauthorized("the API key is unknown or revoked") }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, type: "unauthorized", title: "Unauthorized", detail: detail,
                headers: [.wwwAuthenticate: "Bearer"])
    }
}
