import HeraldCore
import Mustache

/// A Mustache template checked for syntax, with the variables it cannot do without.
package struct TemplateSource: Sendable {
    package enum Kind: String, Sendable {
        case subject, text, html

        /// Only HTML bodies escape values; subjects and text bodies are plain text.
        var pragma: String { self == .html ? "" : "{{% CONTENT_TYPE: TEXT}}" }
    }

    let kind: Kind
    let template: MustacheTemplate
    /// Variables used outside any section: rendering without them is an error rather than an empty gap.
    package let requiredVariables: Set<String>
    let length: Int

    package init(_ text: String, kind: Kind) throws(RenderError) {
        let shape = TemplateShape(text)
        guard shape.depth <= TemplateShape.maxDepth else {
            throw RenderError("\(kind) template: sections nest \(shape.depth) deep; the limit is \(TemplateShape.maxDepth)")
        }
        guard shape.tags <= TemplateShape.maxTags else {
            throw RenderError("\(kind) template: \(shape.tags) tags; the limit is \(TemplateShape.maxTags)")
        }
        length = text.utf8.count
        self.kind = kind
        do {
            template = try MustacheTemplate(string: kind.pragma + text)
        } catch let error as MustacheTemplate.ParserError {
            throw RenderError("\(kind) template: \(error.error) at line \(error.context.lineNumber), column \(error.context.columnNumber)")
        } catch {
            throw RenderError("\(kind) template: \(error)")
        }
        requiredVariables = shape.topLevelVariables
    }

    /// Renders within a budget; output over `maxBytes` (or a budget spent) is an error.
    func render(_ variables: [String: JSONValue], maxBytes: Int) throws(RenderError) -> String {
        let budget = RenderBudget(templateBytes: length, maxBytes: maxBytes)
        let output = template.render(variables.mapValues(budget.context))
        guard !budget.exceeded else {
            throw RenderError("\(kind) template: rendering needs more than its budget (section iterations or inserted bytes for at most \(maxBytes) bytes of output)")
        }
        guard output.utf8.count <= maxBytes else {
            throw RenderError("\(kind) template: the output is \(output.utf8.count) bytes; the limit is \(maxBytes)")
        }
        return output
    }
}
