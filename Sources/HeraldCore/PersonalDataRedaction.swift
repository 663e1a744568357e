/// Finds personal data in free text (an email address, a phone number) and replaces it with a placeholder, so that
/// what providers and receivers say can be logged without what they quote back: `550 5.1.1 <ann@example.com>: user
/// unknown` becomes `550 5.1.1 <[address]>: user unknown`, `+48 600 100 200 is barred` becomes `[number] is barred`.
///
/// It is a scanner, not a set of regular expressions, so that it runs in one pass over the UTF-8 bytes and leaves
/// what the fleet itself logs alone: UUIDs, timestamps, durations, ports and counts below seven digits.
package enum PersonalDataRedaction {
    package static let address = "[address]"
    package static let number = "[number]"

    /// `text` with each email address and phone number replaced; the same string when there was none.
    package static func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "@")) || bytes.contains(where: isDigit) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            if let end = uuidEnd(bytes, at: index) {
                out.append(contentsOf: bytes[index..<end])
                index = end
            } else if bytes[index] == UInt8(ascii: "@"), let (start, end) = addressAround(bytes, at: index, emitted: out.count, in: out) {
                out.removeLast(out.count - start)
                out.append(contentsOf: address.utf8)
                index = end
                changed = true
            } else if let end = numberEnd(bytes, at: index, previous: out.last) {
                out.append(contentsOf: number.utf8)
                index = end
                changed = true
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }
    static func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "_")
    }

    /// Bytes that may stand in an address's local part or domain (RFC 5322 atoms, dots, and anything non-ASCII).
    static func isAddressByte(_ byte: UInt8) -> Bool {
        if byte >= 0x80 { return true }
        if isWordByte(byte) { return true }
        return "!#$%&'*+-/=?^`{|}~.".utf8.contains(byte)
    }

    /// The end of a UUID (8-4-4-4-12 hex digits) starting at `index`, kept as it is.
    static func uuidEnd(_ bytes: [UInt8], at index: Int) -> Int? {
        let groups = [8, 4, 4, 4, 12]
        guard index + 36 <= bytes.count, isHex(bytes[index]) else { return nil }
        if index > 0, isWordByte(bytes[index - 1]) { return nil }
        var position = index
        for (number, length) in groups.enumerated() {
            for _ in 0..<length {
                guard isHex(bytes[position]) else { return nil }
                position += 1
            }
            if number < groups.count - 1 {
                guard bytes[position] == UInt8(ascii: "-") else { return nil }
                position += 1
            }
        }
        return position
    }

    /// The address around the `@` at `index`: where it starts in what was already written (`out`) and where it ends
    /// in `bytes`; nil unless both sides look like an address (a local part, a domain with a dot).
    static func addressAround(_ bytes: [UInt8], at index: Int, emitted: Int, in out: [UInt8]) -> (Int, Int)? {
        var start = emitted
        while start > 0, isAddressByte(out[start - 1]) { start -= 1 }
        guard start < emitted else { return nil }
        var end = index + 1
        var dots = 0
        while end < bytes.count, isAddressByte(bytes[end]) {
            if bytes[end] == UInt8(ascii: ".") { dots += 1 }
            end += 1
        }
        // A sentence's full stop after the address is not part of it.
        while end > index + 1, bytes[end - 1] == UInt8(ascii: ".") {
            end -= 1
            dots -= 1
        }
        guard end > index + 1, dots > 0 else { return nil }
        return (start, end)
    }

    /// The end of a phone number starting at `index`: `+` and at least seven digits, which may be grouped by single
    /// spaces, dashes or dots, or seven or more digits in a row; never the inside of a word or a longer token.
    static func numberEnd(_ bytes: [UInt8], at index: Int, previous: UInt8?) -> Int? {
        if let previous, isWordByte(previous) || previous == UInt8(ascii: "-") || previous == UInt8(ascii: ".") {
            return nil
        }
        var position = index
        let international = bytes[position] == UInt8(ascii: "+")
        if international { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { return nil }
        var digits = 0
        var end = position
        while position < bytes.count {
            if isDigit(bytes[position]) {
                digits += 1
                position += 1
                end = position
            } else if international, " -.".utf8.contains(bytes[position]), position + 1 < bytes.count,
                      isDigit(bytes[position + 1]) {
                position += 1
            } else {
                break
            }
        }
        guard digits >= 7 else { return nil }
        if end < bytes.count, isWordByte(bytes[end]) || bytes[end] == UInt8(ascii: "-") { return nil }
        return end
    }
}
