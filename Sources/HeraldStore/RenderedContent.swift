package import Foundation
import HeraldCore

/// A rendered message to store.
package struct RenderedContent: Sendable {
    package var id: UUID
    package var subject: String?
    package var text: String
    package var html: String?
    package var segments: Int?

    package init(id: UUID, subject: String?, text: String, html: String?, segments: Int? = nil) {
        self.id = id
        self.subject = subject
        self.text = text
        self.html = html
        self.segments = segments
    }
}
