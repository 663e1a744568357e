import Foundation
import Hummingbird

/// The per-request context: Hummingbird's core plus the API key that authenticated the request.
public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var apiKeyID: UUID?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.apiKeyID = nil
    }
}
