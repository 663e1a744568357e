package import HeraldCore
import HeraldRendering

/// What a template must be for its channel: SMS templates have no subject and no HTML, email templates need a
/// subject, and every part must parse within the limits.
package enum TemplateRules {
    package static func check(
        channel: MessageChannel?, subject: String?, text: String?, html: String?, problems: inout [Problem.InvalidParam]
    ) {
        if channel == .sms {
            if subject != nil { problems.append(.init("subject", "SMS templates have no subject")) }
            if html != nil { problems.append(.init("html", "SMS templates have no HTML body")) }
        }
        if channel == .email && subject == nil && !problems.contains(where: { $0.name == "subject" }) {
            problems.append(.init("subject", "is required for email templates"))
        }
        if let text {
            do {
                try MessageRenderer.validate(subject: subject, text: text, html: html)
            } catch {
                problems.append(.init("template", error.description))
            }
        }
    }
}
