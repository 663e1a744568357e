package import Foundation
package import HeraldCore
package import Logging
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

/// Versioned templates: every `put` adds a version; messages pin the version they were accepted with.
package struct TemplateRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    package func put(
        tenantID: UUID, name: String, locale: String, channel: MessageChannel, subject: String?, text: String, html: String?,
        category: String? = nil, unsubscribe: Bool = false, sender: String? = nil
    ) async throws -> Template {
        try await client.withTransaction(logger: logger) { connection in
            // Serialises versions of one template name without blocking other names.
            try await connection.query("select pg_advisory_xact_lock(hashtext('template:' || \(tenantID.uuidString) || ':' || \(name)))", logger: logger)
            let rows = try await connection.query("""
                insert into templates (tenant_id, name, locale, version, channel, subject, text_body, html_body, category, unsubscribe, sender)
                select \(tenantID), \(name), \(locale), coalesce(max(version), 0) + 1, \(channel.rawValue), \(subject), \(text), \(html),
                       \(category), \(unsubscribe), \(sender)
                from templates where tenant_id = \(tenantID) and name = \(name) and locale = \(locale)
                returning id, version, created_at
                """, logger: logger)
            for try await (id, version, createdAt) in rows.decode((Int64, Int, Date).self) {
                return Template(
                    id: id, name: name, locale: locale, version: version, channel: channel, subject: subject,
                    text: text, html: html, createdAt: createdAt, category: category, unsubscribe: unsubscribe, sender: sender)
            }
            throw StoreError(.notFound, "template not stored")
        }
    }

    /// The newest version for the best matching locale (see `Template.choose`).
    package func resolve(tenantID: UUID, name: String, locale: String, defaultLocale: String) async throws -> TemplateResolution {
        let versions = try await latest(tenantID: tenantID, name: name)
        if versions.isEmpty { return .missing }
        guard let template = Template.choose(from: versions, locale: locale, defaultLocale: defaultLocale) else {
            return .noLocale(available: versions.map(\.locale))
        }
        return .found(template)
    }

    /// The newest version of each locale of a template.
    package func latest(tenantID: UUID, name: String) async throws -> [Template] {
        let rows = try await client.query("""
            select distinct on (locale) \(unescaped: Self.columns) from templates where tenant_id = \(tenantID) and name = \(name)
            order by locale, version desc
            """, logger: logger)
        return try await Self.decode(rows)
    }

    /// The tenant's templates, by name: the newest version of each locale.
    package func list(tenantID: UUID) async throws -> [Template] {
        let rows = try await client.query("""
            select distinct on (name, locale) \(unescaped: Self.columns) from templates where tenant_id = \(tenantID)
            order by name, locale, version desc
            """, logger: logger)
        return try await Self.decode(rows)
    }

    static let columns = "id, name, locale, version, channel, subject, text_body, html_body, created_at, category, unsubscribe, sender"

    static func decode(_ rows: PostgresRowSequence) async throws -> [Template] {
        var templates: [Template] = []
        for try await (id, name, locale, version, channel, subject, text, html, createdAt, category, unsubscribe, sender) in rows.decode(
            (Int64, String, String, Int, String, String?, String, String?, Date, String?, Bool, String?).self)
        {
            templates.append(Template(
                id: id, name: name, locale: locale, version: version, channel: MessageChannel(rawValue: channel) ?? .email,
                subject: subject, text: text, html: html, createdAt: createdAt, category: category, unsubscribe: unsubscribe,
                sender: sender))
        }
        return templates
    }
}
