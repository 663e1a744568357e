import HeraldIntake
import Foundation
import HeraldCore
import HeraldProviders
import HeraldRendering
import HeraldRuntime
import HeraldStore
import Hummingbird

/// `/v1/templates`: the tenant's templates, versions per locale, and previews.
extension APIHandlers {
    func addTemplateRoutes(to group: RouterGroup<HeraldRequestContext>) {
        group.get("templates", use: listTemplates)
        group.put("templates/:name", use: putTemplate)
        group.get("templates/:name", use: getTemplate)
        group.post("templates/:name/preview", use: previewTemplate)
    }

    func listTemplates(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let versions = try await templates.list(tenantID: try context.authenticated().tenantID)
        let names = Dictionary(grouping: versions, by: \.name).sorted { $0.key < $1.key }
        return json(.ok, .object(["templates": .array(names.map { name, versions in
            .object([
                "name": .string(name), "channel": .string(versions[0].channel.rawValue),
                "locales": .array(versions.map { .object([
                    "locale": .string($0.locale), "version": .int(Int64($0.version)),
                    "updated_at": .string(Timestamp.string($0.createdAt)),
                ]) }),
            ])
        })]))
    }

    /// Renders a template as a message would be, without sending anything.
    func previewTemplate(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let name = try templateName(context)
        let principal = try context.authenticated()
        let body = try await readJSON(request)
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(body, allowed: ["variables", "locale"], problems: &problems)
        let variables = reader.object("variables", problems: &problems) ?? .object([:])
        let locale = reader.string("locale", maxLength: 35, problems: &problems) ?? ""
        guard problems.isEmpty else { throw Problem.validation(problems) }
        let resolution = try await templates.resolve(
            tenantID: principal.tenantID, name: name, locale: locale, defaultLocale: intake.defaultLocale(for: principal))
        guard let template = resolution.template else {
            if case .missing = resolution { throw Problem.notFound("no template named '\(name)'") }
            throw Problem.validation([.init("locale", resolution.problem(name: name, locale: locale) ?? "")])
        }
        let output: MessageRenderer.Output
        do {
            output = try renderer.render(
                channel: template.channel, subject: template.subject, text: template.text, html: template.html,
                variables: variables.object ?? [:])
        } catch {
            throw Problem.validation([.init("variables", error.description)])
        }
        var object: [String: JSONValue] = [
            "name": .string(name), "locale": .string(template.locale), "version": .int(Int64(template.version)),
            "channel": .string(template.channel.rawValue), "text": .string(output.text),
        ]
        if let subject = output.subject { object["subject"] = .string(subject) }
        if let html = output.html { object["html"] = .string(html) }
        if let segments = output.segments { object["segments"] = .int(Int64(segments)) }
        if let encoding = output.encoding { object["encoding"] = .string(encoding.label) }
        return json(.ok, .object(object))
    }

    func putTemplate(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let name = try templateName(context)
        let body = try await readJSON(request)
        var problems: [Problem.InvalidParam] = []
        let reader = FieldReader(
            body, allowed: ["channel", "locale", "subject", "text", "html", "category", "unsubscribe", "from"], problems: &problems)
        let channel = reader.choice("channel", MessageChannel.self, problems: &problems)
        let locale = reader.string("locale", maxLength: 35, problems: &problems) ?? ""
        let subject = reader.string("subject", maxLength: 1000, problems: &problems)
        let text = reader.string("text", required: true, maxLength: 100_000, singleLine: false, problems: &problems)
        let html = reader.string("html", maxLength: 500_000, singleLine: false, problems: &problems)
        let category = reader.string("category", maxLength: 100, problems: &problems)
        let unsubscribe = reader.bool("unsubscribe", problems: &problems) ?? false
        if unsubscribe, channel == .sms {
            problems.append(.init("unsubscribe", "is for email templates (SMS recipients answer STOP)"))
        }
        let sender = EmailSender.parse(reader, problems: &problems)
        if sender != nil, channel == .sms {
            problems.append(.init("from", "is for email templates (an SMS names its sender id per message)"))
        }
        let tenantID = try context.authenticated().tenantID
        if let sender, channel == .email {
            problems += try await EmailSender.check([("from", sender)], tenantID: tenantID, domains: intake.domains)
        }
        TemplateRules.check(channel: channel, subject: subject, text: text, html: html, problems: &problems)
        guard problems.isEmpty, let channel, let text else { throw Problem.validation(problems) }
        let template = try await templates.put(
            tenantID: tenantID, name: name, locale: locale, channel: channel, subject: subject,
            text: text, html: html, category: category, unsubscribe: unsubscribe, sender: sender)
        return json(.created, templateJSON(template))
    }

    func getTemplate(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let name = try templateName(context)
        let versions = try await templates.latest(tenantID: try context.authenticated().tenantID, name: name)
        guard !versions.isEmpty else { throw Problem.notFound("no template named '\(name)'") }
        return json(.ok, .object(["name": .string(name), "locales": .array(versions.map(templateJSON))]))
    }

    private func templateName(_ context: HeraldRequestContext) throws -> String {
        let name = context.parameters.get("name") ?? ""
        guard !name.isEmpty, name.count <= 200, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw Problem.validation([.init("name", "must be a template name (letters, digits, '.', '_', '-')")])
        }
        return name
    }

    /// A template as the API shows it; an SMS template with the alphabet and parts of its own text (variables left
    /// out), so that a writer sees what one character costs before any message is sent.
    func templateJSON(_ template: Template) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(template.name), "locale": .string(template.locale), "version": .int(Int64(template.version)),
            "channel": .string(template.channel.rawValue), "text": .string(template.text),
            "created_at": .string(Timestamp.string(template.createdAt)),
        ]
        if let subject = template.subject { object["subject"] = .string(subject) }
        if let html = template.html { object["html"] = .string(html) }
        if let category = template.category { object["category"] = .string(category) }
        if template.channel == .email { object["unsubscribe"] = .bool(template.unsubscribe) }
        if let sender = template.sender.flatMap(MIMEMessage.Mailbox.init(parsing:)) {
            var from: [String: JSONValue] = ["email": .string(sender.address)]
            if let name = sender.name { from["name"] = .string(name) }
            object["from"] = .object(from)
        }
        if template.channel == .sms {
            let encoding = renderer.smsEncoding(ofTemplate: template.text)
            object["encoding"] = .string(encoding.alphabet.label)
            object["segments"] = .int(Int64(encoding.segments))
        }
        return .object(object)
    }
}
