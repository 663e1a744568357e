package import Foundation
package import HeraldStore

/// Messages and procedures as a tenant lists and reads them.
package protocol MessageHistory: Sendable {
    /// One message with its events; `tenantID` nil only for operators.
    func message(_ id: UUID, tenantID: UUID?) async throws -> MessageRecord?
    func list(_ filter: MessageFilter, tenantID: UUID) async throws -> (messages: [MessageRecord], next: ListPosition?)
    func procedure(_ id: UUID, tenantID: UUID, page: MessageFilter) async throws -> ProcedureRecord?
}

extension MessageQueries: MessageHistory {}
