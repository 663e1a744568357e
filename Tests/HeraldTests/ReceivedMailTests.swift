import Foundation
import HeraldProviders
import HeraldSandbox
import Testing

@Suite("Reading received mail back")
struct ReceivedMailTests {
    @Test("what the sender writes (encoded words, multipart/alternative, base64) reads back as it was meant")
    func roundTrip() {
        let message = MIMEMessage(
            from: .init(address: "noreply@herald.test", name: "Zespół Herald"), to: .init(address: "anna@example.com", name: "Anna Żółć"),
            subject: "Przypomnienie: termin sprawy 12/2026 upływa jutro — proszę o odpowiedź",
            text: "Dzień dobry,\r\ntermin upływa jutro.", html: "<p>Dzień <b>dobry</b></p><script>alert(1)</script>",
            messageID: "<x@herald.test>")
        let mail = ReceivedMail(message.rendered())
        #expect(mail.subject == message.subject)
        #expect(mail.from == "Zespół Herald <noreply@herald.test>")
        #expect(mail.to == "Anna Żółć <anna@example.com>")
        #expect(mail.text == message.text)
        #expect(mail.html == message.html)
    }

    @Test("quoted-printable, folded headers, Q-encoded words and a plain message")
    func otherForms() {
        let raw = "Subject: =?utf-8?Q?Caf=C3=A9_menu?=\r\n =?utf-8?B?w6lsw6k=?= plain\r\nFrom: a@b\r\n"
            + "Content-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "Caf=C3=A9 au l=\r\nait\r\n"
        let mail = ReceivedMail(Array(raw.utf8))
        #expect(mail.subject == "Café menuélé plain")
        #expect(mail.text == "Café au lait\r\n")
        #expect(mail.html == nil)
        let plain = ReceivedMail(Array("Subject: Hi\r\n\r\nHello".utf8))
        #expect(plain.subject == "Hi" && plain.text == "Hello")
        #expect(ReceivedMail([]).subject == "")
    }
}
