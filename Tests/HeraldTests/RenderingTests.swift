import HeraldCore
import HeraldRendering
import Testing

@Suite struct RenderingTests {
    let renderer = MessageRenderer()

    @Test func escapesValuesInHTMLOnly() throws {
        let output = try renderer.render(
            channel: .email, subject: "Case {{case}} for {{name}}", text: "Hello {{name}} <{{case}}>",
            html: "<p>Hello {{name}}</p>", variables: ["name": .string("Tom & <Jerry>"), "case": .int(42)])
        #expect(output.subject == "Case 42 for Tom & <Jerry>")
        #expect(output.text == "Hello Tom & <Jerry> <42>")
        #expect(output.html == "<p>Hello Tom &amp; &lt;Jerry&gt;</p>")
    }

    @Test func sectionsAndBooleans() throws {
        let output = try renderer.render(
            channel: .email, subject: nil,
            text: "{{#items}}- {{title}}\n{{/items}}{{^items}}none{{/items}}{{#urgent}}URGENT{{/urgent}}", html: nil,
            variables: ["items": .array([.object(["title": .string("a")]), .object(["title": .string("b")])]),
                        "urgent": .bool(false)])
        #expect(output.text == "- a\n- b\n")
    }

    @Test func missingVariablesAreNamed() {
        #expect(throws: RenderError("missing template variables: code, name")) {
            try renderer.render(channel: .email, subject: "Hi {{name}}", text: "{{code}} {{#opt}}{{inner}}{{/opt}}",
                                html: nil, variables: [:])
        }
    }

    @Test func lineBreaksInSubjectsAreFolded() throws {
        let output = try renderer.render(
            channel: .email, subject: "Hi {{name}}", text: "x", html: nil,
            variables: ["name": .string("a\r\nBcc: evil@example.com")])
        #expect(output.subject == "Hi a Bcc: evil@example.com")
    }

    @Test func syntaxErrorsSayWhere() {
        #expect(throws: RenderError.self) { try MessageRenderer.validate(subject: nil, text: "{{#a}}x", html: nil) }
    }

    @Test(arguments: [
        (String(repeating: "a", count: 160), SMSEncoding.Alphabet.gsm7, 1),
        (String(repeating: "a", count: 161), .gsm7, 2),
        (String(repeating: "a", count: 306), .gsm7, 2),
        (String(repeating: "a", count: 307), .gsm7, 3),
        (String(repeating: "€", count: 80), .gsm7, 1),
        (String(repeating: "€", count: 81), .gsm7, 2),
        (String(repeating: "ż", count: 70), .ucs2, 1),
        (String(repeating: "ż", count: 71), .ucs2, 2),
        (String(repeating: "ż", count: 134), .ucs2, 2),
        (String(repeating: "ż", count: 135), .ucs2, 3),
    ])
    func smsSegments(_ text: String, alphabet: SMSEncoding.Alphabet, segments: Int) {
        let encoding = SMSEncoding(text)
        #expect(encoding.alphabet == alphabet)
        #expect(encoding.segments == segments)
    }
}

import Foundation
@testable import HeraldProviders

@Suite struct MIMETests {
    @Test func dateHeader() {
        #expect(MIMEMessage.rfc5322Date(Date(timeIntervalSince1970: 1_795_426_623)) == "Mon, 23 Nov 2026 09:37:03 +0000")
    }

    @Test func jobsRoundTrip() throws {
        let single = Job(messageID: UUID())
        #expect(try Job.decode(single.encoded()) == single)
        #expect(try Job.decode(Array(#"{ "message_id" : "\#(single.messageIDs[0].uuidString)" }"#.utf8)) == single)
        let ids = (0..<120).map { _ in UUID() }
        let jobs = Job.jobs(for: ids)
        #expect(jobs.map(\.messageIDs.count) == [50, 50, 20])
        #expect(try jobs.flatMap { try Job.decode($0.encoded()).messageIDs } == ids)
        for bad in ["nope", "{}", #"{"message_ids": []}"#, #"{"message_ids": ["x"]}"#] {
            #expect(throws: (any Error).self) { try Job.decode(Array(bad.utf8)) }
        }
    }
}

extension MIMEMessage {
    /// The header text `appendEncodedWords` writes.
    static func encodedWords(_ value: String) -> String {
        var out: [UInt8] = []
        appendEncodedWords(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The display name text `appendPhrase` writes.
    static func phrase(_ name: String) -> String {
        var out: [UInt8] = []
        appendPhrase(name, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

@Suite struct MIMEHeaderTests {
    /// The words' payloads, decoded and joined.
    func decodeWords(_ header: String) -> String {
        let words = header.components(separatedBy: "\r\n ")
        var bytes: [UInt8] = []
        for word in words {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="), "\(word)")
            #expect(word.utf8.count <= 75, "an encoded word longer than RFC 2047 allows: \(word)")
            let payload = word.dropFirst(10).dropLast(2)
            bytes += Data(base64Encoded: String(payload)).map(Array.init) ?? []
            #expect(String(validating: bytes, as: UTF8.self) != nil, "a word splits a character")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func plainSubjectsStayAsTheyAre() {
        #expect(MIMEMessage.encodedWords("Case 12: open") == "Case 12: open")
        #expect(MIMEMessage.encodedWords("line\r\nbreak") == "line  break")
        #expect(MIMEMessage.encodedWords("") == "")
    }

    @Test(arguments: ["Zażółć gęślą jaźń", String(repeating: "€uro ", count: 40), "x\u{2028}y 😀 日本語のテキスト", "a\nb ż"])
    func nonASCIISubjectsBecomeEncodedWords(_ subject: String) {
        let header = MIMEMessage.encodedWords(subject)
        #expect(!header.contains("\n ") || header.contains("\r\n "))
        let expected = String(String.UnicodeScalarView(subject.unicodeScalars.map {
            MIMEMessage.isLineBreak($0) ? " " : $0
        }))
        #expect(decodeWords(header) == expected)
    }

    @Test func displayNames() {
        #expect(MIMEMessage.phrase(#"Anna "A" \ Nowak"#) == #""Anna \"A\" \\ Nowak""#)
        #expect(MIMEMessage.phrase("Anna\r\nBcc: x") == #""AnnaBcc: x""#)
        #expect(decodeWords(MIMEMessage.phrase("Żaneta Ćwik")) == "Żaneta Ćwik")
    }

    @Test(arguments: [0, 1, 2, 3, 56, 57, 58, 1000])
    func bodiesAreBase64InLinesOf76(_ length: Int) {
        let body = String((0..<length).map { Character(UnicodeScalar(UInt8(32 + $0 % 90))) })
        let message = MIMEMessage(
            from: .init(address: "a@example.com"), to: .init(address: "b@example.com"), subject: "s", text: body,
            html: nil, messageID: "<1@example.com>")
        let rendered = String(decoding: message.rendered(), as: UTF8.self)
        let parts = rendered.components(separatedBy: "\r\n\r\n")
        #expect(parts.count == 2)
        let lines = parts[1].components(separatedBy: "\r\n").dropLast()
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(Data(base64Encoded: lines.joined()).map { String(decoding: $0, as: UTF8.self) } == body)
        #expect(rendered.hasSuffix("\r\n"))
    }
}
