/// A template's parts parsed once. Template versions never change, so a compiled template can be kept by its id.
package struct CompiledTemplate: Sendable {
    let subject: TemplateSource?
    let text: TemplateSource
    let html: TemplateSource?
    /// Variables used outside any section in any part.
    package let requiredVariables: Set<String>

    package init(subject: String?, text: String, html: String?) throws(RenderError) {
        self.subject = try subject.map { source throws(RenderError) in try TemplateSource(source, kind: .subject) }
        self.text = try TemplateSource(text, kind: .text)
        self.html = try html.map { source throws(RenderError) in try TemplateSource(source, kind: .html) }
        requiredVariables = [self.subject, self.text, self.html].compactMap { $0 }
            .reduce(into: Set<String>()) { $0.formUnion($1.requiredVariables) }
    }
}
