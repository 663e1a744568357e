/// How an SMS text is encoded and into how many parts it splits: GSM-7 when every character is in the GSM 03.38
/// alphabet (extension characters count twice), UCS-2 otherwise.
public struct SMSEncoding: Sendable, Equatable {
    public enum Alphabet: String, Sendable {
        case gsm7 = "GSM7"
        case ucs2 = "UNICODE"
    }

    public let alphabet: Alphabet
    /// Length in septets (GSM-7) or UTF-16 code units (UCS-2).
    public let units: Int

    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    static let extended: Set<Character> = Set("^{}\\[~]|€\u{0C}")

    public init(_ text: String) {
        var septets = 0
        for character in text {
            if character == "\r\n" {
                septets += 2
            } else if Self.basic.contains(character) {
                septets += 1
            } else if Self.extended.contains(character) {
                septets += 2
            } else {
                alphabet = .ucs2
                units = text.utf16.count
                return
            }
        }
        alphabet = .gsm7
        units = septets
    }

    public var segments: Int {
        let (single, part) = alphabet == .gsm7 ? (160, 153) : (70, 67)
        if units <= single { return 1 }
        return (units + part - 1) / part
    }
}
