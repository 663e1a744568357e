public import Foundation
import HeraldCore

/// A rendered message to store.
public struct RenderedContent: Sendable {
    public var id: UUID
    public var subject: String?
    public var text: String
    public var html: String?
    public var segments: Int?

    public init(id: UUID, subject: String?, text: String, html: String?, segments: Int? = nil) {
        self.id = id
        self.subject = subject
        self.text = text
        self.html = html
        self.segments = segments
    }
}
