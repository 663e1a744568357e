import Foundation
import HeraldCore
import PostgresNIO

/// What looking a template up for a message found.
package enum TemplateResolution: Sendable {
    case found(Template)
    /// The template exists, but in none of the locales that could answer; these are the ones it has.
    case noLocale(available: [String])
    case missing

    package var template: Template? {
        if case .found(let template) = self { template } else { nil }
    }

    /// Why there is no template, for a problem naming the field; nil when found.
    package func problem(name: String, locale: String) -> String? {
        switch self {
        case .found: nil
        case .missing: "no template named '\(name)'"
        case .noLocale(let available):
            "template '\(name)' has no version for locale '\(locale)' or its fallbacks; it has "
                + available.map { $0.isEmpty ? "one without a locale" : "'\($0)'" }.joined(separator: ", ")
        }
    }
}
