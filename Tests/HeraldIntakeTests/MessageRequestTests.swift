import Foundation
@testable import HeraldIntake
import HeraldCore
import Testing

/// The API's request rules, without a database or a broker: each bad input is named by the field it is in.
@Suite("Message requests")
struct MessageRequestTests {
    static let badRequests: [(body: String, fields: [String])] = [
        (#"[]"#, ["body"]),
        (#"{"channel": "fax", "to": {"email": "a@example.com"}, "template": "t"}"#, ["channel"]),
        (#"{"channel": "email", "template": "t"}"#, ["to"]),
        (#"{"channel": "email", "to": {"email": "a@example.com"}, "recipient": "r", "template": "t"}"#, ["to"]),
        (#"{"channel": "email", "to": {"email": "not an address"}, "template": "t"}"#, ["to.email"]),
        (#"{"channel": "sms", "to": {"phone": "0048 600"}, "template": "t"}"#, ["to.phone"]),
        (#"{"channel": "email", "to": {"email": "a@example.com"}, "template": "bad name!"}"#, ["template"]),
        (#"{"channel": "email", "to": {"email": "a@example.com"}, "template": "t", "locale": "pl PL"}"#, ["locale"]),
        (#"{"channel": "email", "to": {"email": "a@example.com"}, "template": "t", "send_at": "tomorrow"}"#, ["send_at"]),
        (#"{"channel": "email", "to": {"email": "a@example.com"}, "template": "t", "from": "Shop"}"#, ["from"]),
        (#"{"channel": "sms", "to": {"phone": "+48600100200"}, "template": "t", "from": "A very long sender"}"#, ["from"]),
        (#"{"channel": "email", "to": {"email": "a@example.com"}, "template": "t", "variables": []}"#, ["variables"]),
        (#"{"channel": "email", "to": {"email": "a@example.com"}, "template": "t", "colour": "red"}"#, ["colour"]),
    ]

    @Test("each refusal names its field", arguments: badRequests)
    func refusals(_ body: String, fields: [String]) throws {
        var problems: [Problem.InvalidParam] = []
        let request = MessageRequest.parse(try JSONValue.parse(Array(body.utf8)), path: "", problems: &problems)
        #expect(request == nil)
        #expect(problems.map(\.name) == fields)
    }

    @Test("a good request reads every field")
    func accepts() throws {
        var problems: [Problem.InvalidParam] = []
        let body = #"{"channel": "sms", "to": {"phone": "+48600100200"}, "template": "case.update", "locale": "pl-PL", "variables": {"n": 1}, "send_at": "2026-12-01T09:00:00Z", "from": "Urzad"}"#
        let request = try #require(MessageRequest.parse(try JSONValue.parse(Array(body.utf8)), path: "", problems: &problems))
        #expect(problems.isEmpty)
        #expect(request.channel == .sms)
        #expect(request.template == "case.update")
        #expect(request.locale == "pl-PL")
        #expect(request.sender == "Urzad")
        #expect(request.sendAt == Timestamp.parse("2026-12-01T09:00:00Z"))
    }
}

@Suite("Template rules")
struct TemplateRulesTests {
    static let cases: [(channel: MessageChannel, subject: String?, text: String, html: String?, fields: [String])] = [
        (.email, "Hi", "Hello {{name}}", "<p>{{name}}</p>", []),
        (.email, nil, "Hello", nil, ["subject"]),
        (.sms, "Hi", "Hello", nil, ["subject"]),
        (.sms, nil, "Hello", "<p>x</p>", ["html"]),
        (.sms, nil, "Hello {{#open}}", nil, ["template"]),
        (.email, "Hi", String(repeating: "{{#a}}", count: 40), nil, ["template"]),
    ]

    @Test("per-channel rules and the parse limits", arguments: cases)
    func check(_ channel: MessageChannel, subject: String?, text: String, html: String?, fields: [String]) {
        var problems: [Problem.InvalidParam] = []
        TemplateRules.check(channel: channel, subject: subject, text: text, html: html, problems: &problems)
        #expect(problems.map(\.name) == fields)
    }
}
