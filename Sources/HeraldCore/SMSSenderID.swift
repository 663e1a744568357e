/// Who an SMS says it is from: a phone number in E.164 form, or an alphanumeric sender id of at most 11 characters
/// (letters and digits, with spaces, '.', '-' or '_' between them), as Tyntec and the networks take it.
package struct SMSSenderID: Sendable, Equatable, CustomStringConvertible {
    package let value: String

    package init(_ raw: String) throws(ValidationError) {
        if raw.hasPrefix("+") {
            guard PhoneNumber.isE164(raw) else {
                throw ValidationError("'\(raw)' is neither an E.164 number nor an alphanumeric sender id")
            }
        } else {
            guard !raw.isEmpty, raw.count <= 11 else {
                throw ValidationError("an alphanumeric sender id has 1 to 11 characters, '\(raw)' has \(raw.count)")
            }
            guard raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || " .-_".contains($0)) }),
                  raw.first?.isWhitespace == false, raw.last?.isWhitespace == false
            else {
                throw ValidationError("an alphanumeric sender id takes letters, digits, spaces, '.', '-' and '_' only")
            }
            guard raw.contains(where: \.isLetter) else {
                throw ValidationError("an alphanumeric sender id needs at least one letter ('\(raw)' has none); a number starts with +")
            }
        }
        value = raw
    }

    /// A name rather than a number.
    package var isAlphanumeric: Bool { !value.hasPrefix("+") }

    /// Why this sender cannot reach `phone`, if it cannot: numbers in the North American plan (+1) take no
    /// alphanumeric sender.
    package func refusal(to phone: String) -> String? {
        guard isAlphanumeric, phone.hasPrefix("+1") else { return nil }
        return "an alphanumeric sender id ('\(value)') cannot send to +1 numbers (North America takes none); use a number"
    }

    package var description: String { value }

    package struct ValidationError: Error, CustomStringConvertible, Sendable {
        package let description: String
        init(_ description: String) { self.description = description }
    }
}

/// Phone numbers as SMS providers take them.
package enum PhoneNumber {
    /// `+` then 8 to 15 digits, not starting with 0.
    package static func isE164(_ phone: String) -> Bool {
        let digits = phone.utf8.dropFirst()
        return phone.utf8.first == UInt8(ascii: "+") && (8...15).contains(digits.count) && digits.first != UInt8(ascii: "0")
            && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
