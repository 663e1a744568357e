/// An email address accepted for sending: a plain `local@domain` (RFC 5321 limits), never anything that could break a
/// header or an SMTP command.
package struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    package let value: String

    package enum Problem: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong
        case controlCharacter
        case malformed

        package var description: String {
            switch self {
            case .empty: "is empty"
            case .tooLong: "is longer than 254 characters (or its local part than 64)"
            case .controlCharacter: "contains a line break or another control character"
            case .malformed: "is not an address of the form local@domain"
            }
        }
    }

    package init(_ raw: String) throws(Problem) {
        guard !raw.isEmpty else { throw .empty }
        if raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { throw .controlCharacter }
        guard raw.utf8.count <= 254 else { throw .tooLong }
        guard let at = raw.lastIndex(of: "@") else { throw .malformed }
        let local = raw[..<at]
        let domain = raw[raw.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64 else { throw local.isEmpty ? .malformed : .tooLong }
        let forbidden: Set<Character> = [" ", "<", ">", "(", ")", "[", "]", ",", ";", ":", "\\", "\"", "@"]
        guard !local.contains(where: forbidden.contains), !local.hasPrefix("."), !local.hasSuffix("."),
              !local.contains("..")
        else { throw .malformed }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }) else { throw .malformed }
        value = raw
    }

    package var description: String { value }
}
