import HeraldStore
import HeraldBus
package import HeraldProviders
package import HeraldRuntime
import HeraldCore
import struct Foundation.CharacterSet
import struct Foundation.URL

/// Settings of `herald-email`.
package struct EmailConfiguration: Sendable {
    package var smtp: SMTPConfiguration
    package var from: MIMEMessage.Mailbox
    /// Each email's envelope sender at `HERALD_BOUNCE_DOMAIN`; nil: the From address, and nothing comes back.
    package var bounces: BounceAddresses?
    /// One-click unsubscribe links at `HERALD_PUBLIC_URL`; nil: List-Unsubscribe has the mailto only, if any.
    package var links: PublicLinks?

    package init(environment: Environment = Environment()) throws {
        let tls = try environment.choice(.smtpTLS, as: SMTPConfiguration.TLS.self)
        do {
            smtp = try SMTPConfiguration(
                url: environment.string(.smtpURL), tls: tls,
                caFile: environment.optional(.smtpCAFile),
                timeout: .seconds(try environment.int(.smtpTimeout)),
                connections: try environment.int(.smtpConnections))
        } catch let error as SMTPConfiguration.Invalid {
            throw ConfigurationError(error.description)
        }
        from = try Self.mailbox(environment.string(.smtpFrom))
        bounces = try Self.bounceAddresses(environment)
        links = try Self.publicLinks(environment)
    }

    /// Links at `HERALD_PUBLIC_URL` (herald-api from outside), signed with `HERALD_TOKEN_SECRET`; nil without it.
    package static func publicLinks(_ environment: Environment) throws -> PublicLinks? {
        guard let publicURL = try Environment.publicURL(environment) else { return nil }
        return PublicLinks(publicURL: publicURL, tokens: ProviderTokens(secret: try environment.tokenSecret(for: .publicURL)))
    }

    /// `HERALD_BOUNCE_DOMAIN`, signed with `HERALD_TOKEN_SECRET` (herald-inbound checks with the same).
    package static func bounceAddresses(_ environment: Environment) throws -> BounceAddresses? {
        guard let domain = try environment.bounceDomain() else { return nil }
        return BounceAddresses(domain: domain, tokens: ProviderTokens(secret: try environment.tokenSecret(for: .bounceDomain)))
    }

    /// `Name <address>` or a bare address.
    static func mailbox(_ raw: String) throws -> MIMEMessage.Mailbox {
        var name: String?
        var address = raw.trimmingCharacters(in: .whitespaces)
        if let open = address.lastIndex(of: "<"), address.hasSuffix(">") {
            name = String(address[..<open]).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            address = String(address[address.index(after: open)..<address.index(before: address.endIndex)])
        }
        do {
            return .init(address: try EmailAddress(address).value, name: name?.isEmpty == false ? name : nil)
        } catch {
            throw ConfigurationError("HERALD_SMTP_FROM: '\(address)' \(error)")
        }
    }
}
