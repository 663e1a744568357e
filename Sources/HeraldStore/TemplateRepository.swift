import Foundation
import HeraldCore
import Logging
import PostgresNIO

/// A stored template version.
public struct Template: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let locale: String
    public let version: Int
    public let channel: MessageChannel
    public let subject: String?
    public let text: String
    public let html: String?
    public let createdAt: Date

    /// Locales to try for a wanted locale, most specific first: `pl-PL`, then `pl`, then the default (empty).
    public static func fallbacks(for locale: String) -> [String] {
        var candidates: [String] = []
        if !locale.isEmpty { candidates.append(locale) }
        if let dash = locale.firstIndex(where: { $0 == "-" || $0 == "_" }) {
            candidates.append(String(locale[..<dash]))
        }
        candidates.append("")
        return candidates
    }
}

/// Versioned templates: every `put` adds a version; messages pin the version they were accepted with.
public struct TemplateRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    public func put(
        name: String, locale: String, channel: MessageChannel, subject: String?, text: String, html: String?
    ) async throws -> Template {
        try await client.withTransaction(logger: logger) { connection in
            // Serialises versions of one template name without blocking other names.
            try await connection.query("select pg_advisory_xact_lock(hashtext('template:' || \(name)))", logger: logger)
            let rows = try await connection.query("""
                insert into templates (name, locale, version, channel, subject, text_body, html_body)
                select \(name), \(locale), coalesce(max(version), 0) + 1, \(channel.rawValue), \(subject), \(text), \(html)
                from templates where name = \(name) and locale = \(locale)
                returning id, version, created_at
                """, logger: logger)
            for try await (id, version, createdAt) in rows.decode((Int64, Int, Date).self) {
                return Template(
                    id: id, name: name, locale: locale, version: version, channel: channel, subject: subject,
                    text: text, html: html, createdAt: createdAt)
            }
            throw StoreError(.notFound, "template not stored")
        }
    }

    /// The newest version for the best matching locale.
    public func resolve(name: String, locale: String) async throws -> Template? {
        let candidates = Template.fallbacks(for: locale)
        let rows = try await client.query("""
            select \(unescaped: Self.columns) from templates where name = \(name) and locale = any(\(candidates))
            order by array_position(\(candidates), locale), version desc limit 1
            """, logger: logger)
        return try await Self.decode(rows).first
    }

    /// The newest version of each locale of a template.
    public func latest(name: String) async throws -> [Template] {
        let rows = try await client.query("""
            select distinct on (locale) \(unescaped: Self.columns) from templates where name = \(name)
            order by locale, version desc
            """, logger: logger)
        return try await Self.decode(rows)
    }

    static let columns = "id, name, locale, version, channel, subject, text_body, html_body, created_at"

    static func decode(_ rows: PostgresRowSequence) async throws -> [Template] {
        var templates: [Template] = []
        for try await (id, name, locale, version, channel, subject, text, html, createdAt) in rows.decode(
            (Int64, String, String, Int, String, String?, String, String?, Date).self)
        {
            templates.append(Template(
                id: id, name: name, locale: locale, version: version, channel: MessageChannel(rawValue: channel) ?? .email,
                subject: subject, text: text, html: html, createdAt: createdAt))
        }
        return templates
    }
}
