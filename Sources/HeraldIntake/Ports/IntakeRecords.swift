package import Foundation
package import HeraldCore
package import HeraldStore

/// Where accepted procedures are stored, with their idempotency keys and reminders.
package protocol IntakeRecords: Sendable {
    /// Stores a procedure and its messages, with the job ledger row for those due now, in one transaction; or the
    /// first answer if the idempotency key was used before.
    func insertProcedure(
        id: UUID, kind: String, tenantID: UUID, apiKeyID: UUID?, messages: [NewMessage], idempotency: IdempotencyRecord?
    ) async throws -> IntakeStore.InsertOutcome
    func cancelReminder(key: String, tenantID: UUID) async throws -> Int
    func pendingReminders(key: String, tenantID: UUID) async throws -> Int
    func idempotentResponse(tenantID: UUID, key: String, requestBody: [UInt8]) async throws -> IdempotentResponse?
    /// The address (and time zone) of each known recipient on a channel; unknown ones are absent.
    func recipientAddresses(
        _ externalIDs: [String], channel: MessageChannel, tenantID: UUID
    ) async throws -> [String: (address: String, timeZone: String?)]
}

extension IntakeStore: IntakeRecords {}
