package import Foundation
package import HeraldCore

/// Which of a tenant's messages a listing shows.
package struct MessageFilter: Sendable {
    package var state: MessageState?
    package var channel: MessageChannel?
    package var procedureID: UUID?
    package var reference: String?
    /// A recipient id or an address.
    package var recipient: String?
    package var createdAfter: Date?
    package var createdBefore: Date?
    package var limit = 100
    /// Continue after this message.
    package var after: ListPosition?

    package init() {}
}
