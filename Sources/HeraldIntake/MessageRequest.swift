package import Foundation
package import HeraldCore

/// One message as a client asks for it, validated field by field.
package struct MessageRequest: Sendable {
    package enum Destination: Sendable {
        case address(String, name: String?)
        case recipient(String)
    }

    package var channel: MessageChannel
    package var destination: Destination
    package var template: String
    package var locale: String
    package var variablesJSON: String
    package var sendAt: Date?
    /// SMS: the sender id for this message. Email: its From mailbox (`Name <local@domain>`).
    package var sender: String?
    /// The client's own reference.
    package var reference: String?
    /// SMS only: the recipient's time zone (`to.timezone`), which quiet hours are kept in.
    package var timeZone: String?
    /// Sent even within the tenant's quiet hours.
    package var urgent = false

    package static let fields: Set<String> = [
        "channel", "to", "recipient", "template", "locale", "variables", "send_at", "from", "reference", "urgent",
    ]

    /// Parses a message at `path`; nil when it has problems, which are appended.
    package static func parse(_ value: JSONValue, path: String, problems: inout [Problem.InvalidParam]) -> MessageRequest? {
        let before = problems.count
        guard value.object != nil else {
            problems.append(.init(path.isEmpty ? "body" : path, "must be a JSON object, got \(value.typeName)"))
            return nil
        }
        let reader = FieldReader(value, path: path, allowed: fields, problems: &problems)
        let channel = reader.choice("channel", MessageChannel.self, problems: &problems)
        let template = reader.string("template", required: true, maxLength: 200, problems: &problems)
        if let template, template.isEmpty || !template.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) {
            problems.append(.init(reader.name("template"), "must be a template name (letters, digits, '.', '_', '-')"))
        }
        let locale = reader.string("locale", maxLength: 35, problems: &problems) ?? ""
        if !locale.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            problems.append(.init(reader.name("locale"), "must be a language tag such as 'pl' or 'en-GB'"))
        }
        let variables = reader.object("variables", problems: &problems) ?? .object([:])
        let sendAt = reader.timestamp("send_at", problems: &problems)
        let reference = reader.string("reference", maxLength: 128, problems: &problems)
        let urgent = reader.bool("urgent", problems: &problems) ?? false
        var timeZone: String?
        var sender: String?
        if channel == .email {
            sender = EmailSender.parse(reader, problems: &problems)
        } else if let from = reader.string("from", maxLength: 16, problems: &problems) {
            do {
                sender = try SMSSenderID(from).value
            } catch {
                problems.append(.init(reader.name("from"), error.description))
            }
        }

        var destination: Destination?
        switch (reader.has("to"), reader.has("recipient")) {
        case (true, true):
            problems.append(.init(reader.name("to"), "give either 'to' or 'recipient', not both"))
        case (false, false):
            problems.append(.init(reader.name("to"), "is required (or 'recipient')"))
        case (false, true):
            if let id = reader.string("recipient", maxLength: 200, problems: &problems) { destination = .recipient(id) }
        case (true, false):
            if let to = reader.object("to", problems: &problems), let channel {
                destination = parseAddress(to, channel: channel, path: reader.name("to"), timeZone: &timeZone, problems: &problems)
            }
        }
        if channel == .sms, let sender, case .address(let phone, _)? = destination,
           let refusal = try? SMSSenderID(sender).refusal(to: phone) {
            problems.append(.init(reader.name("from"), refusal))
        }
        guard problems.count == before, let channel, let template, let destination else { return nil }
        return MessageRequest(
            channel: channel, destination: destination, template: template, locale: locale,
            variablesJSON: variables.encoded(), sendAt: sendAt, sender: sender, reference: reference, timeZone: timeZone,
            urgent: urgent)
    }

    private static func parseAddress(
        _ value: JSONValue, channel: MessageChannel, path: String, timeZone: inout String?,
        problems: inout [Problem.InvalidParam]
    ) -> Destination? {
        switch channel {
        case .email:
            let to = FieldReader(value, path: path, allowed: ["email", "name"], problems: &problems)
            let name = to.string("name", maxLength: 200, problems: &problems)
            guard let raw = to.string("email", required: true, maxLength: 254, problems: &problems) else { return nil }
            do {
                return .address(try EmailAddress(raw).value, name: name)
            } catch {
                problems.append(.init(to.name("email"), "\(error)"))
                return nil
            }
        case .sms:
            let to = FieldReader(value, path: path, allowed: ["phone", "timezone"], problems: &problems)
            timeZone = to.timeZone("timezone", problems: &problems)
            guard let phone = to.string("phone", required: true, maxLength: 16, problems: &problems) else { return nil }
            guard PhoneNumber.isE164(phone) else {
                problems.append(.init(to.name("phone"), "must be an E.164 number such as +48601234567"))
                return nil
            }
            return .address(phone, name: nil)
        }
    }
}
