import Foundation
import HeraldCore
import HeraldProviders
import HeraldRendering
import Testing

@Suite("SMS texts, senders, and the tokens of delivery-report URLs")
struct SMSTextTests {
    @Test func curlyQuotesStayOneGSM7Part() throws {
        let text = "Your case \u{201C}2026/117\u{201D} isn\u{2019}t closed \u{2013} see the mail\u{2026}"
        #expect(SMSEncoding(text).alphabet == .ucs2)
        let output = try MessageRenderer().render(channel: .sms, subject: nil, text: text, html: nil, variables: [:])
        #expect(output.text == "Your case \"2026/117\" isn't closed - see the mail...")
        #expect(output.encoding == .gsm7)
        #expect(output.segments == 1)
        let asWritten = try MessageRenderer(transliterate: false).render(channel: .sms, subject: nil, text: text, html: nil, variables: [:])
        #expect(asWritten.text == text && asWritten.encoding == .ucs2)
    }

    @Test func lettersAreNotLookAlikes() {
        #expect(SMSEncoding.transliterated("Zażółć gęślą jaźń") == "Zażółć gęślą jaźń")
        #expect(SMSEncoding(SMSEncoding.transliterated("Zażółć")).alphabet == .ucs2)
    }

    @Test func segmentBoundaries() {
        #expect(SMSEncoding(String(repeating: "a", count: 160)).segments == 1)
        #expect(SMSEncoding(String(repeating: "a", count: 161)).segments == 2)
        // Extension characters count twice: 80 euro signs are 160 septets.
        #expect(SMSEncoding(String(repeating: "€", count: 80)).segments == 1)
        #expect(SMSEncoding(String(repeating: "€", count: 81)).segments == 2)
        #expect(SMSEncoding(String(repeating: "ą", count: 70)).segments == 1)
        #expect(SMSEncoding(String(repeating: "ą", count: 71)).segments == 2)
    }

    @Test func templateTextWithoutItsVariables() {
        let renderer = MessageRenderer()
        let encoding = renderer.smsEncoding(ofTemplate: "Case {{case}}: {{{status}}}\u{2019}s {{#late}}late{{/late}}")
        #expect(encoding.alphabet == .gsm7)
        #expect(encoding.units == "Case : 's late".count)
    }

    @Test(arguments: ["", "TwelveLetter", "12345", "Bad*Name", " Lead"])
    func badSenders(_ raw: String) {
        #expect(throws: SMSSenderID.ValidationError.self) { try SMSSenderID(raw) }
    }

    @Test func alphanumericSendersCannotReachPlusOne() throws {
        #expect(try SMSSenderID("CityHall").refusal(to: "+12025550123") != nil)
        #expect(try SMSSenderID("CityHall").refusal(to: "+48601234567") == nil)
        #expect(try SMSSenderID("+48221234567").refusal(to: "+12025550123") == nil)
    }

    @Test func reportTokensNameTheirMessageAndRefuseForgeries() {
        let tokens = ProviderTokens(secret: "a-secret-of-at-least-thirty-two-chars")
        let id = UUID()
        let token = tokens.token(for: id, .tyntecReport)
        #expect(tokens.messageID(in: token, .tyntecReport) == id)
        #expect(ProviderTokens(secret: "another-secret-of-thirty-two-chars!").messageID(in: token, .tyntecReport) == nil)
        let other = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        #expect(tokens.messageID(in: other + token.drop(while: { $0 != "." }), .tyntecReport) == nil)
        #expect(tokens.messageID(in: token.uppercased(), .tyntecReport) == nil)
        #expect(tokens.messageID(in: String(token.dropLast()), .tyntecReport) == nil)
        #expect(tokens.messageID(in: id.uuidString, .tyntecReport) == nil)
    }

    @Test func tyntecStatuses() {
        #expect(DeliveryStatus(tyntec: ["status": .string("DELIVERED")]) == .delivered)
        #expect(DeliveryStatus(tyntec: ["status": .string("buffered")]) == .pending("BUFFERED"))
        #expect(DeliveryStatus(tyntec: ["status": .string("REJECTED"), "errorCode": .string("13"), "errorReason": .string("Call barred")])
            == .undeliverable("Tyntec REJECTED, error code 13: Call barred"))
        #expect(DeliveryStatus(tyntec: ["requestId": .string("x")]) == nil)
    }
}
