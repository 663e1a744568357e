import Crypto
package import Foundation

/// DKIM signatures (RFC 6376), relaxed/relaxed, for a message as SMTP DATA: one `DKIM-Signature` field per key,
/// put before the message's own fields. The body is hashed once for all keys. Written here because no Swift
/// library does it; checked against dkimpy by the tests.
package enum DKIMSigner {
    /// The fields signed when present (From always is).
    package static let signedFields = [
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type", "list-unsubscribe",
        "list-unsubscribe-post",
    ]

    /// The message with a signature by each key prepended; the message unchanged if it has no header/body split.
    package static func sign(_ message: [UInt8], keys: [DKIMKey], timestamp: Date) throws -> [UInt8] {
        guard !keys.isEmpty, let split = headerEnd(message) else { return message }
        let fields = headerFields(message[..<split.header])
        let bodyHash = Data(SHA256.hash(data: canonicalBody(message[split.body...]))).base64EncodedString()
        var names: [String] = []
        var signedData: [UInt8] = []
        // Each name takes the last instance of its field (RFC 6376 5.4.2); ours appear once.
        for name in signedFields {
            guard let field = fields.last(where: { $0.name == name }) else { continue }
            names.append(name)
            signedData += canonicalField(field.raw)
            signedData += [13, 10]
        }
        var signatures: [UInt8] = []
        for key in keys {
            let unsigned = "DKIM-Signature: v=1; a=\(key.algorithm.rawValue); c=relaxed/relaxed; d=\(key.domain);\r\n"
                + "\ts=\(key.selector); t=\(Int(timestamp.timeIntervalSince1970)); h=\(names.joined(separator: ":"));\r\n"
                + "\tbh=\(bodyHash);\r\n\tb="
            let signature = try key.sign(signedData + canonicalField(ArraySlice(unsigned.utf8))).base64EncodedString()
            signatures += Array(unsigned.utf8) + folded(signature) + [13, 10]
        }
        return signatures + message
    }

    /// The end of the header (before the empty line) and the start of the body.
    static func headerEnd(_ message: [UInt8]) -> (header: Int, body: Int)? {
        var index = 0
        while index + 3 < message.count {
            if message[index] == 13, message[index + 1] == 10, message[index + 2] == 13, message[index + 3] == 10 {
                return (index + 2, index + 4)
            }
            index += 1
        }
        return nil
    }

    /// The header's fields, each with its name in lower case and its raw bytes (folds included, final CRLF not).
    static func headerFields(_ header: ArraySlice<UInt8>) -> [(name: String, raw: ArraySlice<UInt8>)] {
        var fields: [(name: String, raw: ArraySlice<UInt8>)] = []
        var start = header.startIndex
        var index = header.startIndex
        while index < header.endIndex {
            guard header[index] == 10 else { index += 1; continue }
            let next = index + 1
            // A line that starts with whitespace continues the field.
            if next < header.endIndex, header[next] == 32 || header[next] == 9 { index = next; continue }
            fields.append(field(header[start..<(index > start && header[index - 1] == 13 ? index - 1 : index)]))
            start = next
            index = next
        }
        if start < header.endIndex { fields.append(field(header[start...])) }
        return fields
    }

    static func field(_ raw: ArraySlice<UInt8>) -> (name: String, raw: ArraySlice<UInt8>) {
        let colon = raw.firstIndex(of: UInt8(ascii: ":")) ?? raw.endIndex
        return (String(decoding: raw[..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased(), raw)
    }

    static func isWSP(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }

    /// Relaxed header canonicalization (RFC 6376 3.4.2): name in lower case, unfolded, runs of whitespace as one
    /// space, none around the colon or at the end.
    static func canonicalField(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        let colon = raw.firstIndex(of: UInt8(ascii: ":")) ?? raw.endIndex
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        for byte in raw[..<colon] where !isWSP(byte) {
            out.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
        }
        out.append(UInt8(ascii: ":"))
        var pendingSpace = false
        var started = false
        for byte in raw[colon...].dropFirst() {
            if byte == 13 || byte == 10 { continue }
            if isWSP(byte) {
                pendingSpace = started
                continue
            }
            if pendingSpace { out.append(32) }
            pendingSpace = false
            started = true
            out.append(byte)
        }
        return out
    }

    /// Relaxed body canonicalization (RFC 6376 3.4.4): whitespace runs as one space, none at line ends, no empty
    /// lines at the end, and a final CRLF unless the body is empty.
    static func canonicalBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var emptyLines = 0
        var line: [UInt8] = []
        func finish() {
            while let last = line.last, last == 32 { line.removeLast() }
            if line.isEmpty {
                emptyLines += 1
            } else {
                for _ in 0..<emptyLines { out += [13, 10] }
                emptyLines = 0
                out += line
                out += [13, 10]
            }
            line.removeAll(keepingCapacity: true)
        }
        var index = body.startIndex
        var sawAnything = false
        while index < body.endIndex {
            let byte = body[index]
            sawAnything = true
            if byte == 13, index + 1 < body.endIndex, body[index + 1] == 10 {
                finish()
                index += 2
                sawAnything = false
                continue
            }
            if isWSP(byte) {
                if line.last != 32 { line.append(32) }
            } else {
                line.append(byte)
            }
            index += 1
        }
        if sawAnything { finish() }
        return out
    }

    /// A base64 value folded into lines of 72 characters.
    static func folded(_ value: String) -> [UInt8] {
        var out: [UInt8] = []
        var rest = Substring(value)
        while !rest.isEmpty {
            if !out.isEmpty { out += Array("\r\n\t ".utf8) }
            out += Array(rest.prefix(72).utf8)
            rest = rest.dropFirst(72)
        }
        return out
    }
}
