import Foundation
import HeraldStore
import Hummingbird
import Synchronization

/// Requires `Authorization: Bearer <key>` naming an active API key. Verified keys are remembered briefly so a busy
/// client does not cost a database round trip per request; a revoked key stops working within `cacheTTL`.
final class AuthMiddleware: RouterMiddleware, Sendable {
    typealias Context = HeraldRequestContext

    private let keys: APIKeyRepository
    private let cacheTTL: Duration
    private let cache = Mutex<[String: (id: UUID, until: ContinuousClock.Instant)]>([:])

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
        var id = cache.withLock { cache in cache[secret].flatMap { $0.until > now ? $0.id : nil } }
        if id == nil {
            id = try await keys.authenticate(secret)
            if let id {
                cache.withLock { cache in
                    if cache.count > 10_000 { cache.removeAll() }
                    cache[secret] = (id, now + cacheTTL)
                }
            }
        }
        guard let id else { throw Self.unauthorized("the API key is unknown or revoked") }
        var context = context
        context.apiKeyID = id
        return try await next(request, context)
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, type: "unauthorized", title: "Unauthorized", detail: detail,
                headers: [.wwwAuthenticate: "Bearer"])
    }
}
