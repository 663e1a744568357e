package import Foundation
package import HeraldProviders

/// One SMTP conversation of herald-inbound, apart from the network: lines in, replies out. Only signed bounce and
/// unsubscribe addresses at the bounce domain (or a tenant's return-path domain) are accepted as recipients (anything else: 550 5.7.1, so it is never
/// a relay); a mail is answered 250 only once `deliver` has recorded what it says, and a mail too big or otherwise
/// unwanted gets a 5xx or a 250, never a 4xx that would have an MTA retry it for days. Only a failure to record
/// (the database away) is a 451: that one should come again.
package struct InboundSession {
    /// A message a recipient names, and the domain it was addressed at (the bounce domain, or a tenant's
    /// return-path domain).
    package struct Recipient: Sendable, Equatable {
        package var messageID: UUID
        package var domain: String
        /// A bounce address (reports), or an unsubscribe address (List-Unsubscribe's mailto).
        package var kind: BounceAddresses.Kind = .bounce
    }

    /// Records one received mail for the messages its recipients name.
    package typealias Deliver = @Sendable (_ mail: [UInt8], _ recipients: [Recipient]) async throws -> Void

    package static let maxRecipients = 100

    let hostname: String
    let addresses: BounceAddresses
    /// Tenants' return-path domains, accepted besides the bounce domain.
    let returnPathDomains: Set<String>
    let maxBytes: Int
    let deliver: Deliver
    var greeted = false
    var sender: String?
    var recipients: [Recipient] = []
    var data: [UInt8]?
    var tooBig = false
    /// False while the pieces of an overlong line of content arrive.
    var lineStart = true
    package private(set) var closed = false

    package init(
        hostname: String, addresses: BounceAddresses, returnPathDomains: Set<String> = [], maxBytes: Int,
        deliver: @escaping Deliver
    ) {
        self.hostname = hostname
        self.addresses = addresses
        self.returnPathDomains = returnPathDomains
        self.maxBytes = maxBytes
        self.deliver = deliver
    }

    package var greeting: String { "220 \(hostname) ESMTP herald-inbound" }

    /// The reply to one line, or nil while the lines are a mail's content.
    package mutating func handle(_ line: some Collection<UInt8>, ended: Bool = true) async -> String? {
        if data != nil { return await content(line, ended: ended) }
        guard ended else {
            tooBig = true
            return nil
        }
        if tooBig {
            // The rest of a command line longer than any command.
            tooBig = false
            return "500 5.5.2 line too long"
        }
        let text = String(decoding: line, as: UTF8.self)
        let verb = text.prefix(while: { $0 != " " }).uppercased()
        let argument = text.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
        switch verb {
        case "EHLO":
            greeted = true
            reset()
            return "250-\(hostname)\r\n250-PIPELINING\r\n250-SIZE \(maxBytes)\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8"
        case "HELO":
            greeted = true
            reset()
            return "250 \(hostname)"
        case "MAIL":
            guard greeted else { return "503 5.5.1 EHLO first" }
            guard argument.uppercased().hasPrefix("FROM:") else { return "501 5.5.4 syntax: MAIL FROM:<address>" }
            if let size = Self.parameter("SIZE", in: argument).flatMap(Int.init), size > maxBytes {
                return "552 5.3.4 message size exceeds \(maxBytes) bytes"
            }
            reset()
            sender = Self.path(argument)
            return "250 2.1.0 OK"
        case "RCPT":
            guard sender != nil else { return "503 5.5.1 MAIL first" }
            guard argument.uppercased().hasPrefix("TO:") else { return "501 5.5.4 syntax: RCPT TO:<address>" }
            guard recipients.count < Self.maxRecipients else { return "452 4.5.3 too many recipients" }
            guard let (id, kind, domain) = addresses.parse(Self.path(argument), otherDomains: returnPathDomains) else {
                return "550 5.7.1 relaying denied: this server accepts only reports for its own addresses"
            }
            recipients.append(Recipient(messageID: id, domain: domain, kind: kind))
            return "250 2.1.5 OK"
        case "DATA":
            guard !recipients.isEmpty else { return "554 5.5.1 no valid recipients" }
            data = []
            return "354 end data with <CR><LF>.<CR><LF>"
        case "RSET":
            reset()
            return "250 2.0.0 OK"
        case "NOOP":
            return "250 2.0.0 OK"
        case "VRFY":
            return "252 2.5.2 cannot verify"
        case "QUIT":
            closed = true
            return "221 2.0.0 bye"
        case "":
            return "500 5.5.2 empty command"
        default:
            return "502 5.5.1 command not implemented"
        }
    }

    /// A line of DATA: appended (dot-stuffing undone) until the lone dot, then recorded and answered.
    mutating func content(_ line: some Collection<UInt8>, ended: Bool) async -> String? {
        let isEnd = lineStart && ended && line.count == 1 && line.first == UInt8(ascii: ".")
        guard isEnd else {
            // Dot-stuffing undone (RFC 5321 4.5.2).
            let unstuffed = lineStart && line.first == UInt8(ascii: ".") ? line.dropFirst() : line[...]
            lineStart = ended
            if !tooBig, data!.count + unstuffed.count + 2 <= maxBytes {
                data!.append(contentsOf: unstuffed)
                if ended { data!.append(contentsOf: [13, 10]) }
            } else {
                tooBig = true
                data = []
            }
            return nil
        }
        let mail = data!
        let messages = recipients
        let big = tooBig
        reset()
        if big { return "552 5.3.4 message size exceeds \(maxBytes) bytes" }
        do {
            try await deliver(mail, messages)
            return "250 2.0.0 OK"
        } catch {
            return "451 4.3.0 could not record the report; try again later"
        }
    }

    mutating func reset() {
        sender = nil
        recipients = []
        data = nil
        tooBig = false
        lineStart = true
    }

    /// The address inside `FROM:<a@b> SIZE=1` or `TO:<a@b>` (empty for the null sender `<>`).
    static func path(_ argument: String) -> String {
        guard let open = argument.firstIndex(of: "<"), let close = argument[open...].firstIndex(of: ">") else {
            let afterColon = argument.drop(while: { $0 != ":" }).dropFirst()
            return String(afterColon.prefix(while: { $0 != " " })).trimmingCharacters(in: .whitespaces)
        }
        return String(argument[argument.index(after: open)..<close])
    }

    /// `SIZE=1234` among MAIL's parameters.
    static func parameter(_ name: String, in argument: String) -> String? {
        for word in argument.split(separator: " ") {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].uppercased() == name { return String(parts[1]) }
        }
        return nil
    }
}
