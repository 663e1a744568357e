package import Foundation
package import HeraldCore
import PostgresNIO

/// A stored template version.
package struct Template: Sendable, Equatable {
    package let id: Int64
    package let name: String
    package let locale: String
    package let version: Int
    package let channel: MessageChannel
    package let subject: String?
    package let text: String
    package let html: String?
    package let createdAt: Date
    /// What its messages are about, for suppressions by category (an unsubscribe from it covers that category).
    package var category: String? = nil
    /// Email: its messages carry List-Unsubscribe (RFC 8058 one-click) and `{{unsubscribe_url}}`, and an unsubscribe
    /// stops them; mail from templates without it still goes.
    package var unsubscribe = false
    /// Email: the From mailbox (`Name <local@domain>`) for its messages that name none.
    package var sender: String? = nil

    /// Locales to try for a wanted locale, most specific first: `pl-PL`, then `pl`, then the default locale and its
    /// language, then none (a template stored without a locale).
    package static func fallbacks(for locale: String, defaultLocale: String = "") -> [String] {
        var candidates: [String] = []
        for wanted in [locale, defaultLocale] where !wanted.isEmpty {
            candidates.append(wanted)
            if let dash = wanted.firstIndex(where: { $0 == "-" || $0 == "_" }) { candidates.append(String(wanted[..<dash])) }
        }
        candidates.append("")
        var seen: Set<String> = []
        return candidates.filter { seen.insert($0).inserted }
    }

    /// The version that answers `locale` among the newest of each locale of one template: the first of the
    /// fallbacks that exists, else the only locale there is. Nil when none fits.
    package static func choose(from versions: [Template], locale: String, defaultLocale: String) -> Template? {
        for candidate in fallbacks(for: locale, defaultLocale: defaultLocale) {
            if let match = versions.first(where: { $0.locale == candidate }) { return match }
        }
        return versions.count == 1 ? versions[0] : nil
    }
}
