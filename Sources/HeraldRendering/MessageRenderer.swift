import HeraldCore

/// Renders a message's subject and bodies from its template and variables.
public struct MessageRenderer: Sendable {
    public struct Output: Sendable, Equatable {
        public var subject: String?
        public var text: String
        public var html: String?
        /// SMS only: how many parts the text is sent in.
        public var segments: Int?
    }

    public init() {}

    /// Checks a template's parts before it is stored, so syntax errors are reported to whoever wrote it.
    public static func validate(subject: String?, text: String, html: String?) throws(RenderError) {
        if let subject { _ = try TemplateSource(subject, kind: .subject) }
        _ = try TemplateSource(text, kind: .text)
        if let html { _ = try TemplateSource(html, kind: .html) }
    }

    public func render(
        channel: MessageChannel, subject: String?, text: String, html: String?, variables: [String: JSONValue]
    ) throws(RenderError) -> Output {
        let parts: [(TemplateSource.Kind, String?)] = [(.subject, subject), (.text, text), (.html, html)]
        var sources: [TemplateSource.Kind: TemplateSource] = [:]
        for case let (kind, source?) in parts {
            sources[kind] = try TemplateSource(source, kind: kind)
        }
        let missing = sources.values.reduce(into: Set<String>()) { $0.formUnion($1.requiredVariables) }
            .subtracting(variables.keys).sorted()
        guard missing.isEmpty else {
            throw RenderError("missing template variables: \(missing.joined(separator: ", "))")
        }
        let values = variables.mapValues(\.plain)
        // A subject is one header line: line breaks from variables are folded into spaces.
        let renderedSubject = sources[.subject].map {
            $0.render(values).split(whereSeparator: \.isNewline).joined(separator: " ")
        }
        let renderedText = sources[.text]!.render(values)
        switch channel {
        case .email:
            return Output(subject: renderedSubject, text: renderedText, html: sources[.html]?.render(values))
        case .sms:
            return Output(subject: nil, text: renderedText, html: nil, segments: SMSEncoding(renderedText).segments)
        }
    }
}
