import HeraldCore
import Testing

@Suite struct EmailAddressTests {
    @Test(arguments: ["a@example.com", "first.last+tag@mail.example.co.uk", "zażółć@przykład.pl"])
    func accepts(_ address: String) throws {
        #expect(try EmailAddress(address).value == address)
    }

    @Test(arguments: [
        ("", EmailAddress.Problem.empty),
        ("no-at-sign", .malformed),
        ("a@b", .malformed),
        ("a@example.com\r\nBcc: x@example.com", .controlCharacter),
        ("two words@example.com", .malformed),
        ("<a@example.com>", .malformed),
        ("a..b@example.com", .malformed),
        (String(repeating: "a", count: 65) + "@example.com", .tooLong),
        ("a@" + String(repeating: "b", count: 250) + ".com", .tooLong),
    ])
    func rejects(_ address: String, problem: EmailAddress.Problem) {
        #expect(throws: problem) { try EmailAddress(address) }
    }
}
