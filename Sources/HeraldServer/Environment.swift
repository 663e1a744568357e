import Foundation
import HeraldCore

/// Reads `HERALD_*` settings from the process environment.
public struct Environment: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    public func string(_ name: String, default defaultValue: String? = nil) throws -> String {
        if let value = values[name], !value.isEmpty { return value }
        if let defaultValue { return defaultValue }
        throw ConfigurationError("\(name) is not set")
    }

    public func optional(_ name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A whole number of at least `minimum` (1 unless a setting documents 0 as meaningful).
    public func int(_ name: String, default defaultValue: Int, minimum: Int = 1) throws -> Int {
        guard let raw = optional(name) else { return defaultValue }
        guard let value = Int(raw), value >= minimum else {
            let kind = minimum == 1 ? "a positive whole number" : minimum == 0 ? "a whole number, 0 or more" : "a whole number of at least \(minimum)"
            throw ConfigurationError("\(name) must be \(kind), got '\(raw)'")
        }
        return value
    }

    /// `HERALD_TOKEN_SECRET`, the key of the tokens Herald hands to providers, which `setting` needs.
    public func tokenSecret(for setting: String) throws -> String {
        let least = 32
        guard let secret = optional("HERALD_TOKEN_SECRET") else {
            throw ConfigurationError("\(setting) needs HERALD_TOKEN_SECRET (at least \(least) characters) to sign the tokens it hands to providers")
        }
        guard secret.count >= least else {
            throw ConfigurationError("HERALD_TOKEN_SECRET must have at least \(least) characters, it has \(secret.count)")
        }
        return secret
    }

    /// `HERALD_PUBLIC_URL`, where herald-api is reached from outside (providers' webhooks, unsubscribe links);
    /// nil when unset.
    public static func publicURL(_ environment: Environment) throws -> String? {
        guard let publicURL = environment.optional("HERALD_PUBLIC_URL"), !publicURL.isEmpty else { return nil }
        guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
              url.query == nil, url.fragment == nil
        else {
            throw ConfigurationError("HERALD_PUBLIC_URL must be an http:// or https:// URL without query, got '\(publicURL)'")
        }
        return publicURL
    }

    /// A `host:port` setting (brackets around an IPv6 host removed), or an error naming the setting.
    public func hostAndPort(_ name: String, default defaultValue: String) throws -> (host: String, port: Int) {
        let address = try string(name, default: defaultValue)
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (1...65535).contains(port)
        else { throw ConfigurationError("\(name) must be host:port, got '\(address)'") }
        return (String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }

    /// `HERALD_BOUNCE_DOMAIN` in lower case, checked to be a domain name; nil when unset.
    public func bounceDomain() throws -> String? {
        guard let domain = optional("HERALD_BOUNCE_DOMAIN"), !domain.isEmpty else { return nil }
        do {
            guard !domain.contains("@") else { throw EmailAddress.Problem.malformed }
            _ = try EmailAddress("postmaster@" + domain)
        } catch {
            throw ConfigurationError("HERALD_BOUNCE_DOMAIN must be a domain name, got '\(domain)'")
        }
        return domain.lowercased()
    }

    public static let defaultDatabaseURL = "postgres://herald:herald@127.0.0.1:5432/herald"
    public static let defaultAMQPURL = "amqp://herald:herald@127.0.0.1:5672/herald"
}

/// How messages are rendered (`herald-renderer`, and `herald-api`'s previews): read once, for both.
public struct RenderSettings: Sendable {
    /// SMS needing more parts than this fail.
    public var maxSMSSegments: Int
    /// The most bytes a rendered part may have.
    public var maxBytes: Int
    /// SMS look-alikes of GSM-7 characters are replaced.
    public var transliterate: Bool

    public init(environment: Environment) throws {
        maxSMSSegments = try environment.int("HERALD_SMS_MAX_SEGMENTS", default: 10)
        maxBytes = try environment.int("HERALD_RENDER_MAX_BYTES", default: 1 << 20)
        switch environment.optional("HERALD_SMS_TRANSLITERATE")?.lowercased() {
        case nil, "on", "true", "1", "yes": transliterate = true
        case "off", "false", "0", "no": transliterate = false
        case let other?: throw ConfigurationError("HERALD_SMS_TRANSLITERATE must be on or off, got '\(other)'")
        }
    }
}
