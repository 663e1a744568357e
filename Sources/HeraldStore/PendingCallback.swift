package import Foundation
import HeraldCore
import PostgresNIO

/// A delivery-status callback ready to POST: where, signed with what, and the state change it reports.
package struct PendingCallback: Sendable {
    package var id: UUID
    /// Whose receiver: callbacks are paced and backed off per tenant.
    package var tenantID: UUID
    package var url: String
    package var secret: String
    package var messageID: UUID
    package var reference: String?
    package var procedureID: UUID?
    package var channel: String
    package var state: String
    package var at: Date
    package var providerID: String?
    package var detail: String?
    package var attempts: Int
    /// For an inbound SMS (state `inbound`): what the recipient sent; `messageID` is then the inbound message's id.
    package var inbound: InboundPayload? = nil

    package struct InboundPayload: Sendable {
        package var from: String
        package var to: String
        package var text: String
    }
}
