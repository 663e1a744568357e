import Foundation

/// An email in RFC 5322 / MIME form: UTF-8 throughout, RFC 2047 encoded words for a non-ASCII subject and display
/// names, `multipart/alternative` when there is an HTML body, base64 bodies, CRLF line ends.
public struct MIMEMessage: Sendable {
    public struct Mailbox: Sendable {
        public var address: String
        public var name: String?

        public init(address: String, name: String? = nil) {
            self.address = address
            self.name = name
        }

        var header: String {
            guard let name, !name.isEmpty else { return address }
            return "\(MIMEMessage.phrase(name)) <\(address)>"
        }
    }

    public var from: Mailbox
    public var to: Mailbox
    public var subject: String
    public var text: String
    public var html: String?
    public var messageID: String
    public var date: Date

    public init(from: Mailbox, to: Mailbox, subject: String, text: String, html: String?, messageID: String, date: Date = Date()) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
    }

    /// A Message-ID for a message id, in the sender's domain.
    public static func messageID(for id: UUID, from address: String) -> String {
        let domain = address.split(separator: "@").last.map(String.init) ?? "herald.local"
        return "<\(id.uuidString.lowercased())@\(domain)>"
    }

    public func rendered() -> [UInt8] {
        var lines = [
            "From: \(from.header)",
            "To: \(to.header)",
            "Subject: \(Self.encodedWords(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
        ]
        if let html {
            let boundary = "=_herald_" + messageID.filter { $0.isLetter || $0.isNumber }.prefix(32)
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("--\(boundary)")
            lines += Self.part(text, type: "text/plain")
            lines.append("--\(boundary)")
            lines += Self.part(html, type: "text/html")
            lines.append("--\(boundary)--")
        } else {
            lines += Self.part(text, type: "text/plain")
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func part(_ body: String, type: String) -> [String] {
        ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""] + base64Lines(body)
    }

    static func base64Lines(_ body: String) -> [String] {
        let encoded = Data(body.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { offset in
            let start = encoded.index(encoded.startIndex, offsetBy: offset)
            let end = encoded.index(start, offsetBy: min(76, encoded.count - offset))
            return String(encoded[start..<end])
        }
    }

    /// A header value as is when it is printable ASCII, otherwise as RFC 2047 encoded words folded onto lines.
    static func encodedWords(_ value: String) -> String {
        let clean = value.map { $0.isNewline ? " " : String($0) }.joined()
        if clean.allSatisfy({ $0.isASCII && !($0.asciiValue! < 0x20) }) && clean.utf8.count <= 900 { return clean }
        // Each word carries at most 45 bytes (60 base64 characters) and never splits a character.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in clean {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A display name: a quoted string when ASCII, encoded words otherwise.
    static func phrase(_ name: String) -> String {
        let clean = name.filter { !$0.isNewline }
        if clean.allSatisfy({ $0.isASCII && $0.asciiValue! >= 0x20 }) {
            return "\"" + clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return encodedWords(clean)
    }

    /// `Mon, 23 Nov 2026 09:23:43 +0000`, in UTC. Built by hand: a DateFormatter per message costs more than the
    /// rest of the message together.
    public static func rfc5322Date(_ date: Date) -> String {
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
