/// How an SMS text is encoded and into how many parts it splits: GSM-7 when every character is in the GSM 03.38
/// alphabet (extension characters count twice), UCS-2 otherwise.
package struct SMSEncoding: Sendable, Equatable {
    package enum Alphabet: String, Sendable {
        case gsm7 = "GSM7"
        case ucs2 = "UNICODE"

        /// As the API names it: `GSM-7` or `UCS-2`.
        package var label: String { self == .gsm7 ? "GSM-7" : "UCS-2" }
    }

    package let alphabet: Alphabet
    /// Length in septets (GSM-7) or UTF-16 code units (UCS-2).
    package let units: Int

    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    static let extended: Set<Character> = Set("^{}\\[~]|€\u{0C}")

    package init(_ text: String) {
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

    package var segments: Int {
        let (single, part) = alphabet == .gsm7 ? (160, 153) : (70, 67)
        if units <= single { return 1 }
        return (units + part - 1) / part
    }

    /// Characters outside GSM-7 that have a look-alike inside it (typographic quotes, dashes, ellipsis, unusual
    /// spaces), or that show nothing (zero-width spaces, soft hyphens), so that one curly quote does not send the
    /// whole text as UCS-2 at less than half the characters per part. Letters are left alone: a Polish `ą` is a
    /// letter, not a look-alike, and changing it would change the language.
    static let lookAlikes: [Character: String] = {
        var table: [Character: String] = [:]
        for quote in "\u{2018}\u{2019}\u{201A}\u{201B}\u{2032}\u{00B4}\u{0060}\u{02BC}" { table[quote] = "'" }
        for quote in "\u{201C}\u{201D}\u{201E}\u{201F}\u{2033}\u{00AB}\u{00BB}" { table[quote] = "\"" }
        for dash in "\u{2010}\u{2011}\u{2012}\u{2013}\u{2014}\u{2015}\u{2212}" { table[dash] = "-" }
        for space in "\u{00A0}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}\u{202F}\u{205F}\u{3000}" {
            table[space] = " "
        }
        for invisible in "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}\u{00AD}" { table[invisible] = "" }
        table["\u{2026}"] = "..."
        table["\u{2022}"] = "-"
        table["\u{2039}"] = "<"
        table["\u{203A}"] = ">"
        return table
    }()

    /// `text` with every look-alike replaced by its GSM-7 twin.
    package static func transliterated(_ text: String) -> String {
        guard text.contains(where: { lookAlikes[$0] != nil }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            if let replacement = lookAlikes[character] { result += replacement } else { result.append(character) }
        }
        return result
    }
}
