package import Foundation
package import HeraldStore

/// A tenant's recipients, by the id its application gives them.
package protocol RecipientDirectory: Sendable {
    /// Stores the recipient; true if it was new.
    func put(_ recipient: Recipient) async throws -> Bool
    func get(_ externalID: String, tenantID: UUID) async throws -> Recipient?
}

extension RecipientRepository: RecipientDirectory {}
