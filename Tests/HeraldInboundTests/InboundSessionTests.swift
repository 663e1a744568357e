import Foundation
import HeraldInbound
import HeraldProviders
import Synchronization
import Testing

@Suite("herald-inbound's SMTP conversation")
struct InboundSessionTests {
    static let addresses = BounceAddresses(
        domain: "bounces.example.org", tokens: ProviderTokens(secret: String(repeating: "k", count: 32)))
    static let id = UUID()

    final class Received: Sendable {
        let mails = Mutex<[([UInt8], [InboundSession.Recipient])]>([])
    }

    static func session(maxBytes: Int = 4096, failing: Bool = false, into received: Received = Received()) -> InboundSession {
        InboundSession(hostname: "bounces.example.org", addresses: addresses, maxBytes: maxBytes) { mail, messages in
            struct Down: Error {}
            if failing { throw Down() }
            received.mails.withLock { $0.append((mail, messages)) }
        }
    }

    static func converse(_ session: inout InboundSession, _ lines: [String]) async -> [String] {
        var replies: [String] = []
        for line in lines {
            if let reply = await session.handle(Array(line.utf8)) { replies.append(reply) }
        }
        return replies
    }

    @Test("a bounce address is short enough for a local part, and names its message only with its signature")
    func addresses() {
        let address = Self.addresses.address(for: Self.id)
        #expect(address.split(separator: "@")[0].count <= 64)
        #expect(Self.addresses.parse(address)?.id == Self.id)
        #expect(Self.addresses.parse(address.uppercased())?.id == Self.id)
        var forged = Array(address)
        forged[40] = forged[40] == "a" ? "b" : "a"
        #expect(Self.addresses.parse(String(forged)) == nil)
        #expect(Self.addresses.parse(address.replacingOccurrences(of: "bounces.example.org", with: "example.org")) == nil)
        let other = BounceAddresses(domain: "bounces.example.org", tokens: ProviderTokens(secret: String(repeating: "x", count: 32)))
        #expect(other.parse(address) == nil)
    }

    @Test("a report is answered 250 only once recorded, with its content unstuffed")
    func recorded() async {
        let received = Received()
        var session = Self.session(into: received)
        let replies = await Self.converse(&session, [
            "EHLO mx.example.com", "MAIL FROM:<>", "RCPT TO:<\(Self.addresses.address(for: Self.id))>", "DATA",
            "Subject: x", "", "..dotted", ".", "QUIT",
        ])
        #expect(replies.map { $0.prefix(3) } == ["250", "250", "250", "354", "250", "221"])
        let mails = received.mails.withLock { $0 }
        #expect(mails.count == 1)
        #expect(mails.first.map { String(decoding: $0.0, as: UTF8.self) } == "Subject: x\r\n\r\n.dotted\r\n")
        #expect(mails.first?.1.map(\.messageID) == [Self.id])
        #expect(session.closed)
    }

    @Test("any other recipient is refused: never a relay")
    func noRelay() async {
        var session = Self.session()
        let replies = await Self.converse(&session, [
            "EHLO x", "MAIL FROM:<a@example.com>", "RCPT TO:<victim@example.net>",
            "RCPT TO:<b.\(String(repeating: "0", count: 32)).\(String(repeating: "0", count: 20))@bounces.example.org>",
            "RCPT TO:<postmaster@bounces.example.org>", "DATA",
        ])
        #expect(replies.map { $0.prefix(5) } == ["250-b", "250 2", "550 5", "550 5", "550 5", "554 5"])
    }

    @Test("a mail over the size limit gets a 552 and is not recorded; a failure to record is a 451")
    func limits() async {
        let received = Received()
        var session = Self.session(maxBytes: 1024, into: received)
        let rcpt = "RCPT TO:<\(Self.addresses.address(for: Self.id))>"
        var replies = await Self.converse(&session, ["HELO x", "MAIL FROM:<> SIZE=5000"])
        #expect(replies.last?.hasPrefix("552 ") == true)
        replies = await Self.converse(&session, ["MAIL FROM:<>", rcpt, "DATA"] + Array(repeating: String(repeating: "x", count: 100), count: 20) + ["."])
        #expect(replies.last?.hasPrefix("552 ") == true)
        #expect(received.mails.withLock { $0.isEmpty })
        // A piece of an overlong command line, then its end.
        #expect(await session.handle(Array("MAIL".utf8), ended: false) == nil)
        #expect(await session.handle(Array("FROM".utf8))?.hasPrefix("500 ") == true)
        var failing = Self.session(failing: true)
        replies = await Self.converse(&failing, ["HELO x", "MAIL FROM:<>", rcpt, "DATA", "x", "."])
        #expect(replies.last?.hasPrefix("451 ") == true)
    }
}
