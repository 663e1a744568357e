package import Foundation
package import HeraldCore
package import Logging
import PostgresNIO

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
