package import Foundation
package import HeraldStore

/// API keys and the principals they stand for.
package protocol KeyDirectory: Sendable {
    /// The principal of an active key with this secret.
    func authenticate(_ secret: String) async throws -> Principal?
    /// The principal of an active key, by its id.
    func principal(keyID: UUID) async throws -> Principal?
}

extension APIKeyRepository: KeyDirectory {}
