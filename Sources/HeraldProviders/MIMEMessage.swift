package import Foundation

/// An email in RFC 5322 / MIME form: UTF-8 throughout, RFC 2047 encoded words for a non-ASCII subject and display
/// names, `multipart/alternative` when there is an HTML body, base64 bodies, CRLF line ends.
package struct MIMEMessage: Sendable {
    package struct Mailbox: Sendable {
        package var address: String
        package var name: String?

        package init(address: String, name: String? = nil) {
            self.address = address
            self.name = name
        }

        /// `Name <local@domain>` or a bare address, as stored for a message's or a tenant's sender.
        package init?(parsing raw: String) {
            var name: String?
            var address = raw.trimmingCharacters(in: .whitespaces)
            if let open = address.lastIndex(of: "<"), address.hasSuffix(">") {
                name = String(address[..<open]).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                address = String(address[address.index(after: open)..<address.index(before: address.endIndex)])
            }
            guard address.contains("@"), !address.isEmpty else { return nil }
            self.init(address: address, name: name?.isEmpty == false ? name : nil)
        }

        /// The domain of the address, in lower case.
        package var domain: String {
            address.split(separator: "@").last.map { $0.lowercased() } ?? ""
        }

        /// `Name <address>` (or the bare address), as `init(parsing:)` reads it back.
        package var stored: String {
            guard let name, !name.isEmpty else { return address }
            return "\(name) <\(address)>"
        }

        func appendHeader(to out: inout [UInt8]) {
            guard let name, !name.isEmpty else {
                out += address.utf8
                return
            }
            MIMEMessage.appendPhrase(name, to: &out)
            out += " <".utf8
            out += address.utf8
            out.append(UInt8(ascii: ">"))
        }
    }

    package var from: Mailbox
    package var to: Mailbox
    package var subject: String
    package var text: String
    package var html: String?
    package var messageID: String
    package var date: Date
    /// The envelope sender (SMTP `MAIL FROM`, the Return-Path bounces go to) when it is not `from`'s address.
    package var envelopeFrom: String?
    /// Keys that sign the message (DKIM), each with its own `DKIM-Signature`.
    package var dkimKeys: [DKIMKey] = []
    /// `List-Unsubscribe` URIs (RFC 2369): an https one (which makes it one-click, RFC 8058) and/or a mailto.
    package var listUnsubscribe: [String] = []

    package init(
        from: Mailbox, to: Mailbox, subject: String, text: String, html: String?, messageID: String, date: Date = Date(),
        envelopeFrom: String? = nil
    ) {
        self.from = from
        self.envelopeFrom = envelopeFrom
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
    }

    /// A Message-ID for a message id, in the sender's domain.
    package static func messageID(for id: UUID, from address: String) -> String {
        let domain = address.split(separator: "@").last.map(String.init) ?? "herald.local"
        return "<\(id.uuidString.lowercased())@\(domain)>"
    }

    /// The message as SMTP DATA. Written byte by byte into one buffer: this runs for every email sent, and the
    /// string-and-`Character` version of it cost more CPU than libcurl's whole SMTP conversation.
    package func rendered() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512 + (text.utf8.count + (html?.utf8.count ?? 0)) * 4 / 3)
        func line(_ parts: String...) {
            for part in parts { out += part.utf8 }
            out += Self.crlf
        }
        out += "From: ".utf8
        from.appendHeader(to: &out)
        out += Self.crlf
        out += "To: ".utf8
        to.appendHeader(to: &out)
        out += Self.crlf
        out += "Subject: ".utf8
        Self.appendEncodedWords(subject, to: &out)
        out += Self.crlf
        line("Date: ", Self.rfc5322Date(date))
        line("Message-ID: ", messageID)
        if !listUnsubscribe.isEmpty {
            line("List-Unsubscribe: ", listUnsubscribe.map { "<\($0)>" }.joined(separator: ", "))
            if listUnsubscribe.contains(where: { $0.hasPrefix("https://") || $0.hasPrefix("http://") }) {
                line("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
            }
        }
        line("MIME-Version: 1.0")
        if let html {
            let boundary = "=_herald_" + String(decoding: messageID.utf8.lazy.filter(Self.isASCIIAlphanumeric).prefix(32), as: UTF8.self)
            line("Content-Type: multipart/alternative; boundary=\"", boundary, "\"")
            line()
            line("--", boundary)
            Self.appendPart(text, type: "text/plain", to: &out)
            line("--", boundary)
            Self.appendPart(html, type: "text/html", to: &out)
            line("--", boundary, "--")
        } else {
            Self.appendPart(text, type: "text/plain", to: &out)
        }
        guard !dkimKeys.isEmpty else { return out }
        do {
            return try DKIMSigner.sign(out, keys: dkimKeys, timestamp: date)
        } catch {
            // Signing with a key that was read fails only if the crypto library does; the mail goes unsigned rather
            // than not at all, and a receiver treats it as it would any unsigned mail.
            return out
        }
    }

    static let crlf: [UInt8] = [13, 10]

    static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    static func appendPart(_ body: String, type: String, to out: inout [UInt8]) {
        out += "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n".utf8
        var body = body
        body.withUTF8 { appendBase64(UnsafeRawBufferPointer($0), lineLength: 76, to: &out) }
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Base64 of `bytes`; with a `lineLength`, broken into lines of that many characters, each ended by CRLF.
    static func appendBase64(_ bytes: UnsafeRawBufferPointer, lineLength: Int? = nil, to out: inout [UInt8]) {
        let alphabet = base64Alphabet
        var column = 0
        var index = 0
        func emit(_ quad: (UInt8, UInt8, UInt8, UInt8)) {
            out.append(quad.0)
            out.append(quad.1)
            out.append(quad.2)
            out.append(quad.3)
            column += 4
            if let lineLength, column >= lineLength {
                out += crlf
                column = 0
            }
        }
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            emit((alphabet[Int(value >> 18 & 63)], alphabet[Int(value >> 12 & 63)], alphabet[Int(value >> 6 & 63)], alphabet[Int(value & 63)]))
            index += 3
        }
        let pad = UInt8(ascii: "=")
        switch bytes.count - index {
        case 1:
            let value = UInt32(bytes[index]) << 16
            emit((alphabet[Int(value >> 18 & 63)], alphabet[Int(value >> 12 & 63)], pad, pad))
        case 2:
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            emit((alphabet[Int(value >> 18 & 63)], alphabet[Int(value >> 12 & 63)], alphabet[Int(value >> 6 & 63)], pad))
        default:
            break
        }
        if lineLength != nil, column > 0 { out += crlf }
    }

    /// Line breaks of every kind (CR, LF, VT, FF, NEL, LINE and PARAGRAPH SEPARATOR), which must not reach a header.
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// A header value as is when it is printable ASCII, otherwise as RFC 2047 encoded words folded onto lines.
    static func appendEncodedWords(_ value: String, to out: inout [UInt8]) {
        // Text that merely looks like an encoded word ("=?UTF-8?B?...?=", from a variable, say) is encoded too:
        // written as it is, mail readers would decode it into text nobody wrote.
        let plain = value.utf8.count <= 900 && !value.contains("=?") && value.unicodeScalars.allSatisfy { scalar in
            isLineBreak(scalar) || (0x20..<0x7F).contains(scalar.value) || scalar == "\t"
        }
        if plain {
            for scalar in value.unicodeScalars { out.append(isLineBreak(scalar) ? 0x20 : UInt8(scalar.value)) }
            return
        }
        // Each word carries at most 45 bytes (60 base64 characters) and never splits a character.
        var chunk: [UInt8] = []
        chunk.reserveCapacity(48)
        var first = true
        func flush() {
            if !first { out += "\r\n ".utf8 }
            first = false
            out += "=?UTF-8?B?".utf8
            chunk.withUnsafeBytes { appendBase64($0, to: &out) }
            out += "?=".utf8
            chunk.removeAll(keepingCapacity: true)
        }
        for scalar in value.unicodeScalars {
            let width = UTF8.width(scalar)
            if chunk.count + width > 45 { flush() }
            if isLineBreak(scalar) {
                chunk.append(0x20)
            } else {
                chunk += UTF8.encode(scalar)!
            }
        }
        if !chunk.isEmpty || first { flush() }
    }

    /// A display name: a quoted string when printable ASCII, encoded words otherwise.
    static func appendPhrase(_ name: String, to out: inout [UInt8]) {
        // Some readers decode encoded words even inside quotes: a name that looks like one is encoded.
        if name.contains("=?") { return appendEncodedWords(name, to: &out) }
        // Printable ASCII (the usual case) has no line break to take out.
        guard name.utf8.allSatisfy({ (0x20..<0x7F).contains($0) }) else {
            let clean = String(String.UnicodeScalarView(name.unicodeScalars.lazy.filter { !isLineBreak($0) }))
            guard clean.utf8.allSatisfy({ (0x20..<0x7F).contains($0) }) else { return appendEncodedWords(clean, to: &out) }
            return appendPhrase(clean, to: &out)
        }
        out.append(UInt8(ascii: "\""))
        for byte in name.utf8 {
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `Mon, 23 Nov 2026 09:23:43 +0000`, in UTC. Built by hand: a DateFormatter per message costs more than the
    /// rest of the message together.
    package static func rfc5322Date(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
