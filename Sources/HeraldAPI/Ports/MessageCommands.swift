package import Foundation
package import HeraldStore

/// What a tenant may do to messages it sent: cancel them before they leave, or retry a failed one.
package protocol MessageCommands: Sendable {
    func cancel(_ id: UUID, tenantID: UUID) async throws -> MessageControl.Outcome
    func cancelProcedure(_ id: UUID, tenantID: UUID) async throws -> (cancelled: Int, notCancelled: Int)?
    /// Queues a failed message again, at most once per `interval`, with the job to publish.
    func retry(_ id: UUID, tenantID: UUID, interval: Duration) async throws -> (MessageControl.Outcome, PendingPublication?)
}

extension MessageControl: MessageCommands {}
