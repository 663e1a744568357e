import Foundation

/// One MIME entity of a received mail (RFC 5322 header fields and a body; RFC 2045/2046 for types and multipart),
/// read leniently but within bounds: reports come from every kind of MTA, and from anyone who can reach port 25.
/// Header names are lower-cased and folded values unfolded; a body stays bytes until a part is asked for as text.
package struct MailEntity: Sendable {
    package enum Malformed: Error, Equatable {
        /// More header fields than `maxHeaderFields`: a header bomb, or not mail.
        case tooManyHeaderFields
        /// Multiparts nested deeper than `maxDepth`.
        case tooDeep
    }

    package static let maxHeaderFields = 500
    package static let maxDepth = 4

    package let headers: [(name: String, value: String)]
    package let body: ArraySlice<UInt8>
    let depth: Int

    package init(_ bytes: ArraySlice<UInt8>, depth: Int = 0) throws(Malformed) {
        guard depth <= Self.maxDepth else { throw .tooDeep }
        self.depth = depth
        var fields: [(name: String, value: String)] = []
        var index = bytes.startIndex
        var bodyStart = bytes.endIndex
        while index < bytes.endIndex {
            let end = bytes[index...].firstIndex(of: 10) ?? bytes.endIndex
            var line = bytes[index..<end]
            if line.last == 13 { line = line.dropLast() }
            index = end < bytes.endIndex ? end + 1 : end
            if line.isEmpty {
                bodyStart = index
                break
            }
            if line.first == 32 || line.first == 9 {
                // A folded line continues the field before it.
                if let last = fields.indices.last {
                    fields[last].value += " " + String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            guard fields.count < Self.maxHeaderFields else { throw .tooManyHeaderFields }
            fields.append((
                String(decoding: line[..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased(),
                String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)))
        }
        headers = fields
        body = bytes[bodyStart...]
    }

    /// The first field of this name (lower case), if any.
    package func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// `type/subtype` in lower case (`text/plain` when absent, as RFC 2045 says) and its parameters (names in lower
    /// case, quotes removed).
    package var contentType: (type: String, parameters: [String: String]) {
        guard let field = header("content-type") else { return ("text/plain", [:]) }
        let pieces = Self.splitParameters(field)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            parameters[piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] = value
        }
        return ((pieces.first ?? "text/plain").trimmingCharacters(in: .whitespaces).lowercased(), parameters)
    }

    /// The parts of a multipart entity (none for any other type, or without a boundary).
    package func parts() throws(Malformed) -> [MailEntity] {
        let type = contentType
        guard type.type.hasPrefix("multipart/"), let boundary = type.parameters["boundary"], !boundary.isEmpty else { return [] }
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [MailEntity] = []
        var partStart: ArraySlice<UInt8>.Index?
        var index = body.startIndex
        while index < body.endIndex {
            let end = body[index...].firstIndex(of: 10) ?? body.endIndex
            let line = body[index..<end]
            if line.starts(with: delimiter) {
                if let start = partStart {
                    // The CRLF before a delimiter belongs to the delimiter.
                    var stop = index
                    if stop > start, body[stop - 1] == 10 { stop -= 1 }
                    if stop > start, body[stop - 1] == 13 { stop -= 1 }
                    parts.append(try MailEntity(body[start..<stop], depth: depth + 1))
                }
                if line.dropFirst(delimiter.count).starts(with: [45, 45]) { return parts }
                partStart = end < body.endIndex ? end + 1 : end
            }
            index = end < body.endIndex ? end + 1 : end
        }
        return parts
    }

    /// The body as text, its transfer encoding undone (base64 and quoted-printable; anything else as is).
    package var text: String {
        switch header("content-transfer-encoding")?.lowercased() {
        case "base64":
            let compact = body.filter { !(($0 == 13) || ($0 == 10) || ($0 == 32) || ($0 == 9)) }
            guard let data = Data(base64Encoded: Data(compact)) else { return "" }
            return String(decoding: data, as: UTF8.self)
        case "quoted-printable":
            return String(decoding: Self.decodeQuotedPrintable(body), as: UTF8.self)
        default:
            return String(decoding: body, as: UTF8.self)
        }
    }

    /// `a; b="c;d"; e=f` split at the semicolons outside quotes.
    static func splitParameters(_ field: String) -> [Substring] {
        var pieces: [Substring] = []
        var quoted = false
        var start = field.startIndex
        for index in field.indices {
            switch field[index] {
            case "\"": quoted.toggle()
            case ";" where !quoted:
                pieces.append(field[start..<index])
                start = field.index(after: index)
            default: break
            }
        }
        pieces.append(field[start...])
        return pieces
    }

    static func decodeQuotedPrintable(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: byte - 48
            case 65...70: byte - 55
            case 97...102: byte - 87
            default: nil
            }
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "="), index + 1 < bytes.endIndex {
                let next = bytes[index + 1]
                if next == 13 || next == 10 {
                    // A soft line break.
                    index += next == 13 && index + 2 < bytes.endIndex && bytes[index + 2] == 10 ? 3 : 2
                    continue
                }
                if index + 2 < bytes.endIndex, let high = hex(next), let low = hex(bytes[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return out
    }
}
