import Foundation
import HeraldCore
import HeraldRendering
import HeraldServer
import HeraldStore
import Hummingbird

/// `/v1/templates/{name}`: versions per locale.
extension APIHandlers {
    func addTemplateRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.put("templates/:name", use: putTemplate)
        group.get("templates/:name", use: getTemplate)
    }

    func putTemplate(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let name = try templateName(context)
        let body = try await readJSON(request)
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(body, allowed: ["channel", "locale", "subject", "text", "html"], problems: &problems)
        let channel = reader.choice("channel", MessageChannel.self, problems: &problems)
        let locale = reader.string("locale", maxLength: 35, problems: &problems) ?? ""
        let subject = reader.string("subject", maxLength: 1000, problems: &problems)
        let text = reader.string("text", required: true, maxLength: 100_000, singleLine: false, problems: &problems)
        let html = reader.string("html", maxLength: 500_000, singleLine: false, problems: &problems)
        TemplateRules.check(channel: channel, subject: subject, text: text, html: html, problems: &problems)
        guard problems.isEmpty, let channel, let text else { throw Problem.validation(problems) }
        let template = try await templates.put(
            name: name, locale: locale, channel: channel, subject: subject, text: text, html: html)
        return json(.created, Self.templateJSON(template))
    }

    func getTemplate(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let name = try templateName(context)
        let versions = try await templates.latest(name: name)
        guard !versions.isEmpty else { throw Problem.notFound("no template named '\(name)'") }
        return json(.ok, .object(["name": .string(name), "locales": .array(versions.map(Self.templateJSON))]))
    }

    private func templateName(_ context: HeraldRequestContext) throws -> String {
        let name = context.parameters.get("name") ?? ""
        guard !name.isEmpty, name.count <= 200, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw Problem.validation([.init("name", "must be a template name (letters, digits, '.', '_', '-')")])
        }
        return name
    }

    static func templateJSON(_ template: Template) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(template.name), "locale": .string(template.locale), "version": .int(Int64(template.version)),
            "channel": .string(template.channel.rawValue), "text": .string(template.text),
            "created_at": .string(Timestamp.string(template.createdAt)),
        ]
        if let subject = template.subject { object["subject"] = .string(subject) }
        if let html = template.html { object["html"] = .string(html) }
        return .object(object)
    }
}
