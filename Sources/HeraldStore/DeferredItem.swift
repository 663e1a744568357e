package import Foundation
import HeraldCore
import PostgresNIO

/// A deferred notification whose window has closed, as it was rendered when accepted.
package struct DeferredItem: Sendable {
    package let messageID: UUID
    package let subject: String?
    package let text: String
    package let html: String?
    package let category: String?
    package let acceptedAt: Date
    package let dueAt: Date
}
