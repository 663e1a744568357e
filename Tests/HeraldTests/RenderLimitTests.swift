import Foundation
import HeraldCore
import HeraldProviders
import HeraldRendering
import Testing

@Suite struct RenderLimitTests {
    let renderer = MessageRenderer(maxBytes: 64 * 1024)

    @Test func deepNestingIsRefusedBeforeParsing() {
        let deep = String(repeating: "{{#a}}", count: 4000)
        #expect(throws: RenderError("text template: sections nest 4000 deep; the limit is 32")) {
            try MessageRenderer.validate(subject: nil, text: deep, html: nil)
        }
        let delimited = "{{=<% %>=}}" + String(repeating: "<%#a%>", count: 40) + String(repeating: "<%/a%>", count: 40)
        #expect(throws: RenderError("text template: sections nest 40 deep; the limit is 32")) {
            try MessageRenderer.validate(subject: nil, text: delimited, html: nil)
        }
        let fine = String(repeating: "{{#a}}", count: 32) + "x" + String(repeating: "{{/a}}", count: 32)
        #expect(throws: Never.self) { try MessageRenderer.validate(subject: nil, text: fine, html: nil) }
    }

    @Test func tooManyTagsAreRefused() {
        #expect(throws: RenderError("text template: 10001 tags; the limit is 10000")) {
            try MessageRenderer.validate(subject: nil, text: String(repeating: "{{a}}", count: 10_001), html: nil)
        }
    }

    @Test func explodingSectionsFailInsteadOfStalling() {
        let text = "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}xxxxxxxx{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}"
        let started = ContinuousClock.now
        #expect(throws: RenderError.self) {
            try renderer.render(channel: .email, subject: "s", text: text, html: nil,
                                variables: ["a": .array(Array(repeating: .int(1), count: 100))])
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func repeatedLargeValuesFailInsteadOfStalling() {
        #expect(throws: RenderError.self) {
            try renderer.render(channel: .email, subject: "s", text: "{{#a}}{{big}}{{/a}}", html: nil,
                                variables: ["a": .array(Array(repeating: .int(1), count: 500)),
                                            "big": .string(String(repeating: "x", count: 100_000))])
        }
    }

    @Test func outputOverTheLimitFails() {
        #expect(throws: RenderError("text template: the output is 70000 bytes; the limit is 65536")) {
            try renderer.render(channel: .email, subject: "s", text: "{{v}}", html: nil,
                                variables: ["v": .string(String(repeating: "x", count: 70_000))])
        }
    }

    @Test func ordinaryListsStillRender() throws {
        let items = (0..<1000).map { JSONValue.object(["n": .int(Int64($0))]) }
        let output = try renderer.render(channel: .email, subject: "s", text: "{{#items}}{{n}},{{/items}}", html: nil,
                                         variables: ["items": .array(items)])
        #expect(output.text.hasPrefix("0,1,2,"))
        #expect(output.text.hasSuffix("999,"))
    }

    @Test func encodedWordsInValuesAreNotPassedThrough() {
        let injected = "=?UTF-8?B?aGVsbG8NCkJjYzogZXZpbEBleGFtcGxlLmNvbQ==?="
        let message = MIMEMessage(
            from: .init(address: "a@example.com", name: injected), to: .init(address: "b@example.com", name: nil),
            subject: "Case " + injected, text: "t", html: nil, messageID: "<1@example.com>")
        let rendered = String(decoding: message.rendered(), as: UTF8.self)
        #expect(!rendered.contains(injected))
        #expect(rendered.contains("Subject: =?UTF-8?B?"))
    }
}
