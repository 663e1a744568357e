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
        _ = try CompiledTemplate(subject: subject, text: text, html: html)
    }

    public func render(
        channel: MessageChannel, subject: String?, text: String, html: String?, variables: [String: JSONValue]
    ) throws(RenderError) -> Output {
        try render(channel: channel, template: CompiledTemplate(subject: subject, text: text, html: html), variables: variables)
    }

    public func render(
        channel: MessageChannel, template: CompiledTemplate, variables: [String: JSONValue]
    ) throws(RenderError) -> Output {
        let missing = template.requiredVariables.subtracting(variables.keys).sorted()
        guard missing.isEmpty else {
            throw RenderError("missing template variables: \(missing.joined(separator: ", "))")
        }
        let values = variables.mapValues(\.plain)
        // A subject is one header line: line breaks from variables are folded into spaces.
        let renderedSubject = template.subject.map {
            $0.render(values).split(whereSeparator: \.isNewline).joined(separator: " ")
        }
        let renderedText = template.text.render(values)
        switch channel {
        case .email:
            return Output(subject: renderedSubject, text: renderedText, html: template.html?.render(values))
        case .sms:
            return Output(subject: nil, text: renderedText, html: nil, segments: SMSEncoding(renderedText).segments)
        }
    }
}
