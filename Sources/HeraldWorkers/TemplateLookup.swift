import HeraldPipeline
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import ServiceLifecycle

/// Templates resolved once per batch.
actor TemplateLookup {
    let templates: TemplateRepository
    let defaultLocale: String
    var cache: [String: Template?] = [:]

    init(templates: TemplateRepository, defaultLocale: String) {
        self.templates = templates
        self.defaultLocale = defaultLocale
    }

    func resolve(tenantID: UUID, name: String, locale: String) async throws -> Template? {
        let key = "\(tenantID)\u{0}\(name)\u{0}\(locale)"
        if let cached = cache[key] { return cached }
        let template = try await templates.resolve(
            tenantID: tenantID, name: name, locale: locale, defaultLocale: defaultLocale).template
        cache[key] = .some(template)
        return template
    }
}
