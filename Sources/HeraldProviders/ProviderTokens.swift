import Crypto
package import Foundation

/// Tokens Herald puts into what it hands a provider (the URL Tyntec pushes a delivery report to), so that what comes
/// back names its message and a forged one is told apart: the message id in hex, a dot, and 128 bits of
/// HMAC-SHA256 over the id and the token's purpose, keyed with `HERALD_TOKEN_SECRET` (80 bits in an email address,
/// whose local part may not pass 64 characters). A token of one purpose is no token of another. Nothing is stored:
/// any replica with the secret checks any token.
package struct ProviderTokens: Sendable {
    package enum Purpose: String, Sendable {
        case tyntecReport = "tyntec-report"
        /// The envelope sender of an email: where its bounces and complaints come back.
        case bounce
        /// The `mailto:` of an email's List-Unsubscribe.
        case unsubscribeMail = "unsubscribe-mail"
        /// The one-click link of an email's List-Unsubscribe (`/u/{token}` on herald-api).
        case unsubscribe

        /// Hex digits of signature: 20 (80 bits) where the token is an address's local part.
        var signatureDigits: Int {
            switch self {
            case .tyntecReport, .unsubscribe: 32
            case .bounce, .unsubscribeMail: 20
            }
        }
    }

    let key: SymmetricKey

    package init(secret: String) {
        key = SymmetricKey(data: Array(secret.utf8))
    }

    package func token(for id: UUID, _ purpose: Purpose) -> String {
        let hex = Self.hex(id)
        return hex + "." + signature(hex, purpose)
    }

    /// The message a token names, if its signature holds.
    package func messageID(in token: some StringProtocol, _ purpose: Purpose) -> UUID? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count == 32, parts[1].utf8.count == purpose.signatureDigits,
              Self.constantTimeEqual(Array(parts[1].utf8), Array(signature(String(parts[0]), purpose).utf8))
        else { return nil }
        let hex = Array(parts[0])
        guard hex.allSatisfy(\.isHexDigit) else { return nil }
        let dashed = String(hex[0..<8]) + "-" + String(hex[8..<12]) + "-" + String(hex[12..<16]) + "-"
            + String(hex[16..<20]) + "-" + String(hex[20..<32])
        return UUID(uuidString: dashed)
    }

    func signature(_ hex: String, _ purpose: Purpose) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array((purpose.rawValue + ":" + hex).utf8), using: key)
        return code.prefix(purpose.signatureDigits / 2).map { byte in
            let digits = Array("0123456789abcdef")
            return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0f)])
        }.joined()
    }

    static func hex(_ id: UUID) -> String {
        id.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// Compares in time independent of where the two differ (the tokens of report URLs, and the inbound URL's).
    package static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Links on herald-api's public address (`HERALD_PUBLIC_URL`) whose last segment is a signed token naming a message:
/// where Tyntec pushes an SMS's delivery reports, and an email's one-click unsubscribe (RFC 8058).
package struct PublicLinks: Sendable {
    package let publicURL: String
    package let tokens: ProviderTokens

    package init(publicURL: String, tokens: ProviderTokens) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.tokens = tokens
    }

    /// `/v1/providers/tyntec/reports/{token}`
    package func tyntecReport(for messageID: UUID) -> String {
        publicURL + "/v1/providers/tyntec/reports/" + tokens.token(for: messageID, .tyntecReport)
    }

    /// `/u/{token}`
    package func unsubscribe(for messageID: UUID) -> String {
        publicURL + "/u/" + tokens.token(for: messageID, .unsubscribe)
    }
}
