package import Foundation
import HeraldCore

/// A message as the API shows it.
package struct MessageRecord: Sendable, Positioned {
    package struct Event: Sendable {
        package let from: String?
        package let to: String
        package let detail: String?
        package let at: Date
    }

    package let id: UUID
    package let procedureID: UUID
    package let reference: String?
    /// The recipient it was addressed through, if any.
    package let recipientID: String?
    package let channel: String
    package let state: String
    package let templateName: String
    package let templateVersion: Int
    package let locale: String
    package let sendAt: Date
    package let providerID: String?
    package let attempts: Int
    package let lastError: String?
    package let segments: Int?
    package let createdAt: Date
    package let updatedAt: Date
    /// When its personal data was erased (retention).
    package let erasedAt: Date?
    package var events: [Event]
    /// Where it stands in a listing, newest first.
    package var position: ListPosition { ListPosition(createdMicros: createdMicros, id: id) }
    let createdMicros: Int64
}
