import Foundation

/// A received email as a person reads it: the header fields decoded (RFC 2047 encoded words), and the text and
/// HTML parts of a MIME message (RFC 2045/2046: `multipart/*` nesting, base64 and quoted-printable bodies). Enough
/// of MIME for an inbox to show mail; the raw message stays available as it came.
package struct ReceivedMail: Sendable, Equatable {
    package var subject: String
    package var from: String
    package var to: String
    package var text: String?
    package var html: String?
    /// `List-Unsubscribe` as sent, and whether `List-Unsubscribe-Post` makes it one-click (RFC 8058).
    package var listUnsubscribe: String?
    package var oneClick = false
    /// Each DKIM signature's domain, selector and algorithm (`acme.com s1 ed25519-sha256`), in order.
    package var dkim: [String] = []

    package init(_ data: [UInt8]) {
        let (fields, body) = Self.split(data[...])
        subject = Self.decodeWords(fields["subject"] ?? "")
        from = Self.decodeWords(fields["from"] ?? "")
        to = Self.decodeWords(fields["to"] ?? "")
        listUnsubscribe = fields["list-unsubscribe"]
        oneClick = fields["list-unsubscribe-post"]?.lowercased() == "list-unsubscribe=one-click"
        dkim = Self.signatures(data[...])
        var parts = (text: String?.none, html: String?.none)
        Self.collect(fields: fields, body: body, into: &parts, depth: 0)
        (text, html) = parts
    }

    // MARK: Header fields

    /// The header fields (names lowercased, folded lines joined; the first of a repeated name wins) and the body.
    static func split(_ data: ArraySlice<UInt8>) -> (fields: [String: String], body: ArraySlice<UInt8>) {
        var fields: [String: String] = [:]
        var lastName: String?
        var index = data.startIndex
        while index < data.endIndex {
            let end = data[index...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            var line = data[index..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            index = end < data.endIndex ? end + 1 : end
            if line.isEmpty { break }
            let text = String(decoding: line, as: UTF8.self)
            if text.first == " " || text.first == "\t", let name = lastName {
                fields[name, default: ""] += " " + text.trimmingCharacters(in: .whitespaces)
            } else if let colon = text.firstIndex(of: ":") {
                let name = text[..<colon].lowercased()
                if fields[name] == nil {
                    fields[name] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    lastName = name
                } else {
                    lastName = nil
                }
            }
        }
        return (fields, data[index...])
    }

    /// The tags d, s and a of every DKIM-Signature field (`split` keeps the first field of a name only).
    static func signatures(_ data: ArraySlice<UInt8>) -> [String] {
        let header = String(decoding: data.prefix(64 << 10), as: UTF8.self)
        var fields: [String] = []
        for line in header.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1] += String(line)
            } else {
                fields.append(String(line))
            }
        }
        return fields.filter { $0.lowercased().hasPrefix("dkim-signature:") }.map { field in
            var tags: [String: String] = [:]
            for part in field.drop(while: { $0 != ":" }).dropFirst().split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { tags[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces) }
            }
            return [tags["d"], tags["s"], tags["a"]].map { $0 ?? "?" }.joined(separator: " ")
        }
    }

    /// Decodes RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?UTF-8?Q?...?=`); the space between two adjacent
    /// encoded words is not part of the text.
    static func decodeWords(_ value: String) -> String {
        var result = ""
        var rest = Substring(value)
        var pendingSpace = ""
        var lastWasEncoded = false
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let word = encodedWord(rest) {
                if !lastWasEncoded { result += pendingSpace }
                result += word.text
                rest = rest[word.end...]
                pendingSpace = ""
                lastWasEncoded = true
                continue
            }
            let character = rest.removeFirst()
            if character == " " || character == "\t" {
                pendingSpace.append(character)
            } else {
                result += pendingSpace
                result.append(character)
                pendingSpace = ""
                lastWasEncoded = false
            }
        }
        return result + pendingSpace
    }

    private static func encodedWord(_ text: Substring) -> (text: String, end: Substring.Index)? {
        let parts = text.dropFirst(2).split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3].hasPrefix("="), let encoding = parts[1].uppercased().first else { return nil }
        let charset = parts[0].lowercased()
        let payload = parts[2]
        let bytes: [UInt8]?
        switch encoding {
        case "B": bytes = Data(base64Encoded: padded(String(payload))).map(Array.init)
        case "Q": bytes = quotedPrintable(Array(payload.utf8), underscoreIsSpace: true)
        default: bytes = nil
        }
        guard let bytes else { return nil }
        return (string(bytes, charset: charset), parts[3].index(after: parts[3].startIndex))
    }

    // MARK: Bodies

    private static func collect(
        fields: [String: String], body: ArraySlice<UInt8>, into parts: inout (text: String?, html: String?), depth: Int
    ) {
        let (type, parameters) = contentType(fields["content-type"] ?? "text/plain")
        if type.hasPrefix("multipart/"), let boundary = parameters["boundary"], depth < 8 {
            for part in split(body, boundary: boundary) {
                let (partFields, partBody) = split(part)
                collect(fields: partFields, body: partBody, into: &parts, depth: depth + 1)
            }
            return
        }
        guard type == "text/plain" || type == "text/html" else { return }
        let decoded: [UInt8]
        switch (fields["content-transfer-encoding"] ?? "").lowercased() {
        case "base64":
            let text = String(decoding: body.filter { !$0.isWhitespace }, as: UTF8.self)
            decoded = Data(base64Encoded: padded(text)).map(Array.init) ?? Array(body)
        case "quoted-printable":
            decoded = quotedPrintable(Array(body), underscoreIsSpace: false) ?? Array(body)
        default:
            decoded = Array(body)
        }
        let text = string(decoded, charset: parameters["charset"] ?? "utf-8")
        if type == "text/plain", parts.text == nil { parts.text = text }
        if type == "text/html", parts.html == nil { parts.html = text }
    }

    /// `text/html; charset="utf-8"` as `("text/html", ["charset": "utf-8"])`.
    static func contentType(_ value: String) -> (String, [String: String]) {
        let items = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        var parameters: [String: String] = [:]
        for item in items.dropFirst() {
            guard let equals = item.firstIndex(of: "=") else { continue }
            let value = item[item.index(after: equals)...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            parameters[item[..<equals].lowercased()] = value
        }
        return ((items.first ?? "").lowercased(), parameters)
    }

    /// The parts between `--boundary` lines, up to `--boundary--`.
    static func split(_ body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: ArraySlice<UInt8>.Index?
        var index = body.startIndex
        while index < body.endIndex {
            let end = body[index...].firstIndex(of: UInt8(ascii: "\n")) ?? body.endIndex
            var line = body[index..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.starts(with: delimiter) {
                if let start = partStart {
                    var part = body[start..<index]
                    if part.last == UInt8(ascii: "\n") { part = part.dropLast() }
                    if part.last == UInt8(ascii: "\r") { part = part.dropLast() }
                    parts.append(part)
                }
                if line.dropFirst(delimiter.count).starts(with: Array("--".utf8)) { return parts }
                partStart = end < body.endIndex ? end + 1 : end
            }
            index = end < body.endIndex ? end + 1 : end
        }
        return parts
    }

    static func quotedPrintable(_ bytes: [UInt8], underscoreIsSpace: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 2; continue }
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"), bytes[index + 2] == UInt8(ascii: "\n") {
                    index += 3
                    continue
                }
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(underscoreIsSpace && byte == UInt8(ascii: "_") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static func padded(_ base64: String) -> String {
        base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)
    }

    /// UTF-8 (also for US-ASCII), or ISO-8859-1 when the message says so.
    private static func string(_ bytes: [UInt8], charset: String) -> String {
        if charset.lowercased() == "iso-8859-1" || charset.lowercased() == "latin1" {
            return String(bytes.map { Character(Unicode.Scalar($0)) })
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension UInt8 {
    fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0D || self == 0x0A }
}
