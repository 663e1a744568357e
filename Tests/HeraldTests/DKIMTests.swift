import Crypto
import Foundation
@testable import HeraldProviders
import Testing
import _CryptoExtras

@Suite("DKIM signatures")
struct DKIMTests {
    @Test("relaxed canonicalization as RFC 6376 section 3.4.5 shows it")
    func canonicalization() {
        let header = Array("A: X\r\nB : Y\t\r\n\tZ  \r\n".utf8)
        let fields = DKIMSigner.headerFields(header[...])
        #expect(fields.map { String(decoding: DKIMSigner.canonicalField($0.raw), as: UTF8.self) } == ["a:X", "b:Y Z"])
        let body = Array(" C \r\nD \t E\r\n\r\n\r\n".utf8)
        #expect(String(decoding: DKIMSigner.canonicalBody(body[...]), as: UTF8.self) == " C\r\nD E\r\n")
        #expect(DKIMSigner.canonicalBody([][...]).isEmpty)
        #expect(String(decoding: DKIMSigner.canonicalBody(Array("x".utf8)[...]), as: UTF8.self) == "x\r\n")
    }

    static func message(keys: [DKIMKey]) -> [UInt8] {
        var message = MIMEMessage(
            from: .init(address: "news@acme.example", name: "Acme"), to: .init(address: "anna@example.com"),
            subject: "Zażółć   gęślą", text: "Hello  \r\n\r\n", html: "<p>Hi</p>", messageID: "<1@acme.example>",
            date: Date(timeIntervalSince1970: 1_800_000_000))
        message.dkimKeys = keys
        return message.rendered()
    }

    /// The canonical header data a verifier hashes for the first signature: the fields its h= names, then the
    /// signature field itself with b= empty.
    static func verifierData(_ signed: [UInt8]) -> (data: [UInt8], signature: Data, fields: [String: String]) {
        let split = DKIMSigner.headerEnd(signed)!
        let fields = DKIMSigner.headerFields(signed[..<split.header])
        let signatureField = fields.first { $0.name == "dkim-signature" }!
        let text = String(decoding: signatureField.raw, as: UTF8.self)
        var tags: [String: String] = [:]
        for part in text.drop(while: { $0 != ":" }).dropFirst().split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            tags[pair[0].trimmingCharacters(in: .whitespacesAndNewlines)] = pair[1].filter { !$0.isWhitespace }
        }
        var data: [UInt8] = []
        for name in tags["h"]!.split(separator: ":") {
            data += DKIMSigner.canonicalField(fields.last { $0.name == name && $0.name != "dkim-signature" }!.raw) + [13, 10]
        }
        let unsigned = text[..<text.range(of: "b=", options: .backwards)!.upperBound]
        data += DKIMSigner.canonicalField(ArraySlice(unsigned.utf8))
        return (data, Data(base64Encoded: tags["b"]!)!, tags)
    }

    @Test("an Ed25519 and an RSA key each sign; each signature verifies with its public key, over what h= names")
    func signAndVerify() throws {
        let ed = try DKIMKey.generate(.ed25519SHA256)
        let rsa = try DKIMKey.generate(.rsaSHA256)
        let keys = [
            try DKIMKey(domain: "acme.example", selector: "ed", algorithm: "ed25519-sha256", privateKey: ed.privateKey),
            try DKIMKey(domain: "acme.example", selector: "rsa", algorithm: "rsa-sha256", privateKey: rsa.privateKey),
        ]
        let signed = Self.message(keys: [keys[0]])
        let (data, signature, tags) = Self.verifierData(signed)
        #expect(tags["h"] == "from:to:subject:date:message-id:mime-version:content-type")
        #expect(tags["c"] == "relaxed/relaxed" && tags["d"] == "acme.example" && tags["s"] == "ed" && tags["t"] == "1800000000")
        let edPublic = try Curve25519.Signing.PublicKey(rawRepresentation: Data(base64Encoded: ed.publicKey)!)
        #expect(edPublic.isValidSignature(signature, for: Data(SHA256.hash(data: data))))
        let split = DKIMSigner.headerEnd(signed)!
        let bodyHash = Data(SHA256.hash(data: DKIMSigner.canonicalBody(signed[split.body...]))).base64EncodedString()
        #expect(tags["bh"] == bodyHash)

        let rsaSigned = Self.message(keys: [keys[1]])
        let rsaParts = Self.verifierData(rsaSigned)
        let rsaPublic = try _RSA.Signing.PublicKey(derRepresentation: Data(base64Encoded: rsa.publicKey)!)
        #expect(rsaPublic.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: rsaParts.signature), for: SHA256.hash(data: rsaParts.data),
            padding: .insecurePKCS1v1_5))

        let both = String(decoding: Self.message(keys: keys), as: UTF8.self)
        #expect(both.components(separatedBy: "DKIM-Signature:").count == 3)
        #expect(!both.contains("PRIVATE KEY"))
    }

    @Test("the DNS record is one zone-file line whose long value is split into quoted strings of at most 255")
    func dnsRecord() throws {
        let rsa = try DKIMKey.generate(.rsaSHA256)
        let record = DKIMKey.dnsRecord(domain: "acme.example", selector: "s1", algorithm: .rsaSHA256, publicKey: rsa.publicKey)
        #expect(record.hasPrefix("s1._domainkey.acme.example. IN TXT \"v=DKIM1; k=rsa; p=MIIB"))
        #expect(!record.contains("\n"))
        let strings = record.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(strings.count >= 2 && strings.allSatisfy { $0.count <= 255 })
        #expect(strings.joined() == "v=DKIM1; k=rsa; p=\(rsa.publicKey)")
        let ed = try DKIMKey.generate(.ed25519SHA256)
        #expect(DKIMKey.dnsRecord(domain: "acme.example", selector: "e1", algorithm: .ed25519SHA256, publicKey: ed.publicKey)
            == "e1._domainkey.acme.example. IN TXT \"v=DKIM1; k=ed25519; p=\(ed.publicKey)\"")
        #expect(throws: DKIMKey.Invalid.self) { try DKIMKey(domain: "a.example", selector: "x", algorithm: "rsa-sha1", privateKey: "") }
        #expect(throws: DKIMKey.Invalid.self) { try DKIMKey(domain: "a.example", selector: "x", algorithm: "ed25519-sha256", privateKey: "!!") }
    }
}
