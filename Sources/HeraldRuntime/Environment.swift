import Foundation
import HeraldCore

/// Reads `HERALD_*` settings from the process environment.
package struct Environment: Sendable {
    package let values: [String: String]

    package init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The value given for `setting` (an empty one counts as not given), else its default for `role`; nil: neither.
    package func optional(_ setting: Setting, role: Role? = nil) -> String? {
        values[setting.variable].flatMap { $0.isEmpty ? nil : $0 } ?? setting.defaultValue(for: role)
    }

    /// Whether `setting` was given (not empty), whatever its default.
    package func isGiven(_ setting: Setting) -> Bool {
        !(values[setting.variable] ?? "").isEmpty
    }

    /// The value of `setting` or its default, or an error naming it.
    package func string(_ setting: Setting, role: Role? = nil) throws -> String {
        guard let value = optional(setting, role: role) else { throw ConfigurationError("\(setting.variable) is not set") }
        return value
    }

    /// A whole number of at least `minimum` (1 unless a setting documents 0 as meaningful).
    package func int(_ setting: Setting, role: Role? = nil, minimum: Int = 1) throws -> Int {
        let raw = try string(setting, role: role)
        guard let value = Int(raw), value >= minimum else {
            let kind = minimum == 1 ? "a positive whole number" : minimum == 0 ? "a whole number, 0 or more" : "a whole number of at least \(minimum)"
            throw ConfigurationError("\(setting.variable) must be \(kind), got '\(raw)'")
        }
        return value
    }

    /// `on` or `off` (also true/false, 1/0, yes/no).
    package func flag(_ setting: Setting) throws -> Bool {
        switch try string(setting).lowercased() {
        case "on", "true", "1", "yes": return true
        case "off", "false", "0", "no": return false
        case let other: throw ConfigurationError("\(setting.variable) must be on or off, got '\(other)'")
        }
    }

    /// One of `T`'s values, named by its raw value (`HERALD_API_MODE` is `all`, `http` or `relay`); nil when the setting
    /// is neither given nor has a default.
    package func choice<T: RawRepresentable<String> & CaseIterable>(_ setting: Setting, as type: T.Type) throws -> T? {
        guard let raw = optional(setting) else { return nil }
        guard let value = T(rawValue: raw) else {
            var names = T.allCases.map(\.rawValue)
            let last = names.removeLast()
            let listed = names.isEmpty ? last : names.joined(separator: ", ") + " or " + last
            throw ConfigurationError("\(setting.variable) must be \(listed), got '\(raw)'")
        }
        return value
    }

    /// A list of milliseconds such as `1000,5000,30000`.
    package func milliseconds(_ setting: Setting) throws -> [Duration] {
        let raw = try string(setting)
        let values = raw.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ConfigurationError("\(setting.variable) must be positive milliseconds separated by commas, got '\(raw)'")
        }
        return values.map { .milliseconds($0!) }
    }

    /// `HERALD_TOKEN_SECRET`, the key of the tokens Herald hands to providers, which `setting` needs.
    package func tokenSecret(for setting: Setting) throws -> String {
        let least = 32
        guard let secret = optional(.tokenSecret) else {
            throw ConfigurationError("\(setting.variable) needs HERALD_TOKEN_SECRET (at least \(least) characters) to sign the tokens it hands to providers")
        }
        guard secret.count >= least else {
            throw ConfigurationError("HERALD_TOKEN_SECRET must have at least \(least) characters, it has \(secret.count)")
        }
        return secret
    }

    /// `HERALD_PUBLIC_URL`, where herald-api is reached from outside (providers' webhooks, unsubscribe links);
    /// nil when unset.
    package static func publicURL(_ environment: Environment) throws -> String? {
        guard let publicURL = environment.optional(.publicURL) else { return nil }
        guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
              url.query == nil, url.fragment == nil
        else {
            throw ConfigurationError("HERALD_PUBLIC_URL must be an http:// or https:// URL without query, got '\(publicURL)'")
        }
        return publicURL
    }

    /// A `host:port` setting (brackets around an IPv6 host removed), or an error naming the setting.
    package func hostAndPort(_ setting: Setting, role: Role? = nil, ports: ClosedRange<Int> = 1...65535) throws -> (host: String, port: Int) {
        let address = try string(setting, role: role)
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              ports.contains(port)
        else { throw ConfigurationError("\(setting.variable) must be host:port, got '\(address)'") }
        return (String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }

    /// `HERALD_BOUNCE_DOMAIN` in lower case, checked to be a domain name; nil when unset.
    package func bounceDomain() throws -> String? {
        guard let domain = optional(.bounceDomain) else { return nil }
        do {
            guard !domain.contains("@") else { throw EmailAddress.Problem.malformed }
            _ = try EmailAddress("postmaster@" + domain)
        } catch {
            throw ConfigurationError("HERALD_BOUNCE_DOMAIN must be a domain name, got '\(domain)'")
        }
        return domain.lowercased()
    }

}
