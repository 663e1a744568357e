import Foundation

/// How to reach the SMTP server, from `smtp://user:password@host:port` or `smtps://...`.
package struct SMTPConfiguration: Sendable, CustomStringConvertible {
    package enum TLS: String, Sendable, CaseIterable {
        case required, opportunistic, none
    }

    package var url: String
    package var username: String?
    package var password: String?
    package var tls: TLS
    package var caFile: String?
    package var timeout: Duration
    /// SMTP sessions open at once (all driven by one thread).
    package var connections: Int

    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    package init(
        url raw: String, tls: TLS? = nil, caFile: String? = nil, timeout: Duration = .seconds(30), connections: Int = 8
    ) throws(Invalid) {
        guard let components = URLComponents(string: raw), let scheme = components.scheme,
              scheme == "smtp" || scheme == "smtps"
        else { throw Invalid(description: "HERALD_SMTP_URL must be smtp://[user:password@]host:port or smtps://...") }
        guard let host = components.host, !host.isEmpty else {
            throw Invalid(description: "HERALD_SMTP_URL has no host")
        }
        let port = components.port ?? (scheme == "smtps" ? 465 : 587)
        url = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        username = components.user?.removingPercentEncoding
        password = components.password?.removingPercentEncoding
        // smtps is TLS from the first byte. For smtp the default asks for STARTTLS when the server offers it, unless
        // there are credentials: a password is only ever sent inside TLS, so a server that offers no STARTTLS gets
        // neither AUTH nor mail.
        let credentials = username != nil || password != nil
        if scheme == "smtps" {
            self.tls = .required
        } else if credentials {
            guard tls == nil || tls == .required else {
                throw Invalid(description: "HERALD_SMTP_TLS=\(tls!.rawValue) with a user and password in HERALD_SMTP_URL could send the password in clear: use required (STARTTLS) or smtps://")
            }
            self.tls = .required
        } else {
            self.tls = tls ?? .opportunistic
        }
        self.caFile = caFile
        self.timeout = timeout
        self.connections = connections
    }

    package var description: String { url }
}
