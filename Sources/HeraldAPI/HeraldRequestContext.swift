import Foundation
import HeraldStore
import Hummingbird

/// The per-request context: Hummingbird's core plus who the request acts for, once authenticated.
public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.principal = nil
    }

    public var apiKeyID: UUID? { principal?.keyID }

    /// The authenticated principal; routes behind `AuthMiddleware` always have one.
    public func authenticated() throws -> Principal {
        guard let principal else { throw AuthMiddleware.unauthorized("send an API key as 'Authorization: Bearer <key>'") }
        return principal
    }
}
