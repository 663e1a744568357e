package import Foundation
package import HeraldCore
package import HeraldStore

/// SMS that tenants' numbers receive.
package protocol InboundMailbox: Sendable {
    /// The tenant a number belongs to, if any.
    func tenant(ofNumber number: String) async throws -> UUID?
    /// Stores an inbound message once per provider request id, acting on a stop or start word.
    func record(
        tenantID: UUID, requestID: String, from: String, to: String, text: String, keyword: SMSKeywords.Keyword?
    ) async throws -> InboundStore.Recorded
    func list(tenantID: UUID, limit: Int, after: ListPosition?) async throws -> (messages: [InboundMessage], next: ListPosition?)
}

extension InboundStore: InboundMailbox {}
