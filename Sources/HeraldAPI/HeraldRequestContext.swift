import HeraldIntake
package import Foundation
package import HeraldStore
package import Hummingbird

/// The per-request context: Hummingbird's core plus who the request acts for, once authenticated.
package struct HeraldRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package var principal: Principal?

    package init(source: Source) {
        self.coreContext = .init(source: source)
        self.principal = nil
    }

    package var apiKeyID: UUID? { principal?.keyID }

    /// The authenticated principal; routes behind `AuthMiddleware` always have one.
    package func authenticated() throws -> Principal {
        guard let principal else { throw Problem.unauthorized("send an API key as 'Authorization: Bearer <key>'") }
        return principal
    }

    /// The authenticated principal if its key is an operator key: fleet-wide routes refuse tenant keys with a 403.
    package func authenticatedOperator() throws -> Principal {
        let principal = try authenticated()
        guard principal.isOperator else {
            throw Problem(
                .forbidden, type: "forbidden", title: "Forbidden",
                detail: "this route acts on every tenant and needs an operator key (herald ctl keys create NAME --operator)")
        }
        return principal
    }
}
