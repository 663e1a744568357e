import HeraldCore
@testable import HeraldStore
import Testing

@Suite("SMS stop and start words, and suppression addresses")
struct SMSKeywordTests {
    let keywords = SMSKeywords(extraStop: ["nie"], extraStart: ["TAK"])

    @Test(arguments: ["STOP", "stop", " Stop. ", "stop!!", "ARRÊT", "arret", "OptOut", "unsubscribe\n", "STOPALL", "NIE", "Nie."])
    func stops(_ text: String) {
        #expect(keywords.keyword(in: text) == .stop)
    }

    @Test(arguments: ["START", " start ", "Unstop", "tak!"])
    func starts(_ text: String) {
        #expect(keywords.keyword(in: text) == .start)
    }

    @Test(arguments: ["please stop texting me", "stopp", "STOP STOP", "", "...", "NIEMAND", String(repeating: "stop ", count: 100)])
    func others(_ text: String) {
        #expect(keywords.keyword(in: text) == nil)
    }

    @Test func theSettingsWordsAreCommaSeparated() {
        #expect(SMSKeywords.words(" NIE, koniec ,,") == ["NIE", "koniec"])
        #expect(SMSKeywords.words(nil).isEmpty)
    }

    @Test func addressesAreNormalized() {
        #expect(Suppression.normalized("Someone@Example.COM", channel: .email) == "someone@example.com")
        #expect(Suppression.normalized("not an address", channel: .email) == nil)
        #expect(Suppression.normalized("+48601234567", channel: .sms) == "+48601234567")
        #expect(Suppression.normalized(" 48601234567", channel: .sms) == "+48601234567", "a + decoded as a space")
        #expect(Suppression.normalized("48601234567", channel: .sms) == "+48601234567")
        #expect(Suppression.normalized("+48 601", channel: .sms) == nil)
    }
}
