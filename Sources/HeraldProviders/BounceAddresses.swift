package import Foundation

/// The envelope senders (VERP) of emails when `HERALD_BOUNCE_DOMAIN` is set: `b.{message hex}.{signature}@domain`,
/// so a delivery status notification or a feedback report sent back to it names its message, and a forged or
/// mistyped one names none. `u.…` is the same message's unsubscribe mailbox (List-Unsubscribe's `mailto:`).
package struct BounceAddresses: Sendable {
    package enum Kind: String, Sendable {
        case bounce = "b"
        case unsubscribe = "u"

        var purpose: ProviderTokens.Purpose {
            switch self {
            case .bounce: .bounce
            case .unsubscribe: .unsubscribeMail
            }
        }
    }

    package let domain: String
    let tokens: ProviderTokens

    package init(domain: String, tokens: ProviderTokens) {
        self.domain = domain.lowercased()
        self.tokens = tokens
    }

    /// The address at the bounce domain, or at `domain` (a tenant's return-path domain, whose MX is herald-inbound
    /// too).
    package func address(for id: UUID, _ kind: Kind = .bounce, at domain: String? = nil) -> String {
        kind.rawValue + "." + tokens.token(for: id, kind.purpose) + "@" + (domain ?? self.domain)
    }

    /// The message and kind an address names, and its domain; nil for a domain that is neither the bounce domain nor
    /// one of `otherDomains`, a forged signature or anything else. Compared without case: a relay may change it.
    package func parse(_ address: some StringProtocol, otherDomains: Set<String> = []) -> (id: UUID, kind: Kind, domain: String)? {
        let lowered = address.lowercased()
        guard let at = lowered.lastIndex(of: "@") else { return nil }
        let addressDomain = String(lowered[lowered.index(after: at)...])
        guard addressDomain == domain || otherDomains.contains(addressDomain) else { return nil }
        let local = lowered[..<at]
        guard let dot = local.firstIndex(of: "."), let kind = Kind(rawValue: String(local[..<dot])),
              let id = tokens.messageID(in: local[local.index(after: dot)...], kind.purpose)
        else { return nil }
        return (id, kind, addressDomain)
    }
}
