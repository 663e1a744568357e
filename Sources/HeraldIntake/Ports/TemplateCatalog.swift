package import Foundation
package import HeraldCore
package import HeraldStore

/// A tenant's templates, by name and locale, each version kept.
package protocol TemplateCatalog: Sendable {
    func put(
        tenantID: UUID, name: String, locale: String, channel: MessageChannel, subject: String?, text: String, html: String?,
        category: String?, unsubscribe: Bool, sender: String?
    ) async throws -> Template
    /// The template to render for a locale, falling back to the language and then the default locale.
    func resolve(tenantID: UUID, name: String, locale: String, defaultLocale: String) async throws -> TemplateResolution
    func latest(tenantID: UUID, name: String) async throws -> [Template]
    func list(tenantID: UUID) async throws -> [Template]
}

extension TemplateRepository: TemplateCatalog {}
