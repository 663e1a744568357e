import Foundation
/// What a scan of a Mustache template's tags finds, following set-delimiter tags as the engine does: how deep
/// sections nest, how many tags there are, and the variables used outside any section. Checked before the template
/// is parsed, because the engine's parser recurses once per nesting level and a deep enough template would exhaust
/// the stack.
struct TemplateShape {
    /// The limits a template must keep to.
    static let maxDepth = 32
    static let maxTags = 10_000

    var depth = 0
    var tags = 0
    /// Names of variable tags (`{{name}}`, `{{{name}}}`, `{{&name}}`, `{{name.part}}`) outside sections.
    var topLevelVariables: Set<String> = []

    init(_ text: String) {
        var open: Substring = "{{"
        var close: Substring = "}}"
        var level = 0
        var rest = Substring(text)
        while let start = rest.range(of: open) {
            rest = rest[start.upperBound...]
            let triple = open == "{{" && rest.hasPrefix("{")
            guard let end = rest.range(of: triple ? "}" + close : close) else { break }
            var tag = rest[..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[end.upperBound...]
            tags += 1
            guard let sigil = tag.first else { continue }
            switch sigil {
            case "#", "^", "$", "<":
                level += 1
                depth = max(depth, level)
            case "/":
                level = max(0, level - 1)
            case "=":
                // {{=<% %>=}}: new delimiters, separated by white space.
                let parts = tag.dropFirst().dropLast(tag.hasSuffix("=") ? 1 : 0).split(whereSeparator: \.isWhitespace)
                if parts.count == 2 { (open, close) = (parts[0], parts[1]) }
            case "!", ">", "%":
                continue
            default:
                if sigil == "{" || sigil == "&" { tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces) }
                guard level == 0, tag != "." else { continue }
                if let name = tag.split(separator: ".").first { topLevelVariables.insert(String(name)) }
            }
        }
    }
}
