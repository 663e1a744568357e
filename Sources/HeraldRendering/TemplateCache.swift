import Synchronization

/// Compiled templates by their stored id. Versions are immutable, so an entry never goes stale; the cache is
/// emptied when it reaches `capacity` rather than tracking use.
package final class TemplateCache: Sendable {
    private let entries = Mutex<[Int64: CompiledTemplate]>([:])
    private let capacity: Int

    package init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    package func template(
        id: Int64, subject: String?, text: String, html: String?
    ) throws(RenderError) -> CompiledTemplate {
        if let template = entries.withLock({ $0[id] }) { return template }
        let template = try CompiledTemplate(subject: subject, text: text, html: html)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll() }
            entries[id] = template
        }
        return template
    }
}
