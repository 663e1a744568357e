import Mustache

/// A Mustache template checked for syntax, with the variables it cannot do without.
public struct TemplateSource: Sendable {
    public enum Kind: String, Sendable {
        case subject, text, html

        /// Only HTML bodies escape values; subjects and text bodies are plain text.
        var pragma: String { self == .html ? "" : "{{% CONTENT_TYPE: TEXT}}" }
    }

    let template: MustacheTemplate
    /// Variables used outside any section: rendering without them is an error rather than an empty gap.
    public let requiredVariables: Set<String>

    public init(_ text: String, kind: Kind) throws(RenderError) {
        do {
            template = try MustacheTemplate(string: kind.pragma + text)
        } catch let error as MustacheTemplate.ParserError {
            throw RenderError("\(kind) template: \(error.error) at line \(error.context.lineNumber), column \(error.context.columnNumber)")
        } catch {
            throw RenderError("\(kind) template: \(error)")
        }
        requiredVariables = Self.topLevelVariables(in: text)
    }

    func render(_ variables: [String: Any]) -> String {
        template.render(variables)
    }

    /// Names of variable tags (`{{name}}`, `{{{name}}}`, `{{&name}}`, `{{name.part}}`) that stand outside sections.
    static func topLevelVariables(in text: String) -> Set<String> {
        var names: Set<String> = []
        var depth = 0
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            var tag = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            if rest.hasPrefix("}") { rest = rest.dropFirst() }
            guard let sigil = tag.first else { continue }
            switch sigil {
            case "#", "^", "$", "<": depth += 1
            case "/": depth = max(0, depth - 1)
            case "!", ">", "=", "%": continue
            default:
                if sigil == "{" || sigil == "&" { tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces) }
                guard depth == 0, tag != "." else { continue }
                if let name = tag.split(separator: ".").first { names.insert(String(name)) }
            }
        }
        return names
    }
}
