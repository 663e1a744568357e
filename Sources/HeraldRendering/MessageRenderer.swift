import Foundation
package import HeraldCore

/// Renders a message's subject and bodies from its template and variables.
package struct MessageRenderer: Sendable {
    package struct Output: Sendable, Equatable {
        package var subject: String?
        package var text: String
        package var html: String?
        /// SMS only: how many parts the text is sent in, and in which alphabet.
        package var segments: Int?
        package var encoding: SMSEncoding.Alphabet?
    }

    /// SMS only: texts needing more parts than this fail instead of being sent (and billed) in many pieces.
    package var maxSMSSegments: Int
    /// The most bytes a rendered part may have (`HERALD_RENDER_MAX_BYTES`).
    package var maxBytes: Int
    /// SMS only: replace look-alikes of GSM-7 characters (`HERALD_SMS_TRANSLITERATE`).
    package var transliterate: Bool

    package init(maxSMSSegments: Int = 10, maxBytes: Int = 1 << 20, transliterate: Bool = true) {
        self.maxSMSSegments = maxSMSSegments
        self.maxBytes = maxBytes
        self.transliterate = transliterate
    }

    /// An SMS template's own text, its variables left out (a section's content stays), as it would be sent:
    /// what the template costs before any variable adds to it.
    package func smsEncoding(ofTemplate text: String) -> SMSEncoding {
        let fixed = text.replacing(/\{\{\{?[^}]*\}?\}\}/, with: "")
        return SMSEncoding(transliterate ? SMSEncoding.transliterated(fixed) : fixed)
    }

    /// Checks a template's parts before it is stored, so syntax errors are reported to whoever wrote it.
    package static func validate(subject: String?, text: String, html: String?) throws(RenderError) {
        _ = try CompiledTemplate(subject: subject, text: text, html: html)
    }

    package func render(
        channel: MessageChannel, subject: String?, text: String, html: String?, variables: [String: JSONValue]
    ) throws(RenderError) -> Output {
        try render(channel: channel, template: CompiledTemplate(subject: subject, text: text, html: html), variables: variables)
    }

    package func render(
        channel: MessageChannel, template: CompiledTemplate, variables: [String: JSONValue]
    ) throws(RenderError) -> Output {
        let missing = template.requiredVariables.subtracting(variables.keys).sorted()
        guard missing.isEmpty else {
            throw RenderError("missing template variables: \(missing.joined(separator: ", "))")
        }
        // A subject is one header line: line breaks from variables are folded into spaces.
        let renderedSubject = try template.subject.map { subject throws(RenderError) in
            try subject.render(variables, maxBytes: maxBytes).split(whereSeparator: \.isNewline).joined(separator: " ")
        }
        let renderedText = try template.text.render(variables, maxBytes: maxBytes)
        switch channel {
        case .email:
            let html = try template.html.map { html throws(RenderError) in try html.render(variables, maxBytes: maxBytes) }
            return Output(subject: renderedSubject, text: renderedText, html: html)
        case .sms:
            guard !renderedText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw RenderError("the SMS text is empty")
            }
            let text = transliterate ? SMSEncoding.transliterated(renderedText) : renderedText
            let encoding = SMSEncoding(text)
            guard encoding.segments <= maxSMSSegments else {
                let unit = encoding.alphabet == .gsm7 ? "GSM-7 septets" : "UCS-2 characters"
                throw RenderError(
                    "the SMS text needs \(encoding.segments) segments (\(encoding.units) \(unit)); the limit is \(maxSMSSegments)")
            }
            return Output(subject: nil, text: text, html: nil, segments: encoding.segments, encoding: encoding.alphabet)
        }
    }
}
