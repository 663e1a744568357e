package import Foundation
import HeraldCore
import PostgresNIO

/// What herald-inbound learned about one email, ready to record.
package struct EmailReport: Sendable {
    package enum Kind: String, Sendable {
        /// A permanent failure: the message becomes `bounced`, its address `hard_bounce`-suppressed.
        case bounce
        /// A delay or temporary failure: an event of the message, which stays where it is.
        case delay
        /// A spam complaint: the message becomes `complained`, its address `complaint`-suppressed.
        case complaint
    }

    package var messageID: UUID
    package var kind: Kind
    /// The recipients the report names (lower case); the message's own must be one of them. Empty: the report names
    /// none (feedback reports often redact it), and its bounce address alone decides.
    package var recipients: [String]
    /// The event's detail and, for a bounce or complaint, the message's `last_error`.
    package var detail: String
    /// The tenant's return-path domain the report came to; nil: the fleet's bounce domain.
    package var returnPathDomain: String?

    package init(messageID: UUID, kind: Kind, recipients: [String], detail: String) {
        self.messageID = messageID
        self.kind = kind
        self.recipients = recipients
        self.detail = detail
    }
}
