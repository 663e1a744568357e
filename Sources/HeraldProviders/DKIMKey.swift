import Crypto
import Foundation
import _CryptoExtras

/// One DKIM signing key (RFC 6376 with RSA, RFC 8463 with Ed25519): made by `herald ctl dkim create`, stored as text
/// in the database, read back by herald-email. The private key is never printed; the public one is published in DNS
/// as `dnsRecord` says.
package struct DKIMKey: Sendable {
    package enum Algorithm: String, Sendable, CaseIterable {
        case rsaSHA256 = "rsa-sha256"
        case ed25519SHA256 = "ed25519-sha256"

        /// `k=` of the DNS record.
        var keyType: String {
            switch self {
            case .rsaSHA256: "rsa"
            case .ed25519SHA256: "ed25519"
            }
        }
    }

    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    enum Signing: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    package let domain: String
    package let selector: String
    package let algorithm: Algorithm
    let signing: Signing

    /// A stored key: PKCS#8 PEM for RSA, the 32 raw bytes in base64 for Ed25519.
    package init(domain: String, selector: String, algorithm: String, privateKey: String) throws {
        guard let algorithm = Algorithm(rawValue: algorithm) else { throw Invalid(description: "unknown DKIM algorithm '\(algorithm)'") }
        self.domain = domain
        self.selector = selector
        self.algorithm = algorithm
        do {
            switch algorithm {
            case .rsaSHA256:
                signing = .rsa(try _RSA.Signing.PrivateKey(pemRepresentation: privateKey))
            case .ed25519SHA256:
                guard let raw = Data(base64Encoded: privateKey) else { throw Invalid(description: "not base64") }
                signing = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: raw))
            }
        } catch {
            throw Invalid(description: "the \(algorithm.rawValue) key of selector '\(selector)' for \(domain) cannot be read")
        }
    }

    /// A new key pair: the private key as stored, and the public key as `p=` of the DNS record.
    package static func generate(_ algorithm: Algorithm) throws -> (privateKey: String, publicKey: String) {
        switch algorithm {
        case .rsaSHA256:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return (key.pkcs8PEMRepresentation, key.publicKey.derRepresentation.base64EncodedString())
        case .ed25519SHA256:
            let key = Curve25519.Signing.PrivateKey()
            return (key.rawRepresentation.base64EncodedString(), key.publicKey.rawRepresentation.base64EncodedString())
        }
    }

    /// The TXT record to publish, in zone-file form on one line; a value longer than a DNS character-string (255)
    /// is split into several quoted strings, which resolvers join.
    package static func dnsRecord(domain: String, selector: String, algorithm: Algorithm, publicKey: String) -> String {
        let value = "v=DKIM1; k=\(algorithm.keyType); p=\(publicKey)"
        var strings: [String] = []
        var rest = Substring(value)
        while !rest.isEmpty {
            strings.append("\"\(rest.prefix(250))\"")
            rest = rest.dropFirst(250)
        }
        return "\(selector)._domainkey.\(domain). IN TXT \(strings.joined(separator: " "))"
    }

    /// Signs the SHA-256 hash of the canonical header data: RSASSA-PKCS1-v1_5 for RSA, PureEdDSA over the hash for
    /// Ed25519 (RFC 8463 section 3).
    func sign(_ data: [UInt8]) throws -> Data {
        let digest = SHA256.hash(data: data)
        switch signing {
        case .rsa(let key):
            return try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation
        case .ed25519(let key):
            return try key.signature(for: Data(digest))
        }
    }
}
