package import Foundation
package import HeraldCore
package import HeraldStore

/// The addresses a tenant does not send to, and what its recent sending says about its lists.
package protocol SuppressionList: Sendable {
    func list(_ filter: SuppressionFilter, tenantID: UUID) async throws -> (entries: [Suppression], next: ListPosition?)
    func suppress(
        tenantID: UUID, channel: MessageChannel, address: String, reason: Suppression.Reason, category: String?,
        messageID: UUID?, note: String?, expiresAt: Date?
    ) async throws -> Suppression
    func remove(tenantID: UUID, channel: MessageChannel, address: String) async throws -> Int
    /// Suppresses a message's recipient for its template's category; false if the message is unknown.
    func unsubscribe(messageID: UUID) async throws -> Bool
    func deliverability(tenantID: UUID, period: Duration) async throws -> Deliverability
}

extension SuppressionStore: SuppressionList {}
