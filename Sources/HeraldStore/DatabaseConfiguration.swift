import Foundation
import NIOSSL
import PostgresNIO

/// Where the database is, parsed from
/// `postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-ca|verify-full`. As with libpq,
/// `prefer` and `require` encrypt without checking the server's certificate; `verify-ca` checks its chain against
/// `caFile` (else the system's CAs), and `verify-full` also that it names the host.
package struct DatabaseConfiguration: Sendable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String
    package var tls: TLSMode
    /// The CA certificate (PEM) that `verify-ca` and `verify-full` check the server's certificate against.
    package var caFile: String?
    /// When set, every connection works in this schema (tests give each test its own).
    package var schema: String?
    package var maximumConnections: Int

    package enum TLSMode: String, Sendable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    package struct InvalidURL: Error, CustomStringConvertible {
        package let description: String
    }

    package init(url: String, maximumConnections: Int = 20) throws(InvalidURL) {
        guard let components = URLComponents(string: url), let scheme = components.scheme else {
            throw InvalidURL(description: "invalid database URL: expected postgres://user:password@host:port/database")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw InvalidURL(description: "invalid database URL: scheme '\(scheme)' is not supported, use postgres://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw InvalidURL(description: "invalid database URL: no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw InvalidURL(description: "invalid database URL: no user")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw InvalidURL(description: "invalid database URL: no database name") }
        var tls = TLSMode.disable
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw InvalidURL(description: "invalid database URL: sslmode must be disable, prefer, require, verify-ca or verify-full")
                }
                tls = mode
            default:
                throw InvalidURL(description: "invalid database URL: unknown parameter '\(item.name)'")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.password = components.password?.removingPercentEncoding
        self.database = database
        self.tls = tls
        self.maximumConnections = maximumConnections
    }

    /// The address without credentials, for logs and error messages.
    package var description: String { "postgres://\(host):\(port)/\(database)" }

    /// NIOSSL's client settings for the mode: no check for `prefer` and `require`, the chain for `verify-ca`, and
    /// the chain and host name for `verify-full`.
    var tlsSettings: TLSConfiguration {
        var settings = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable, .prefer, .require: settings.certificateVerification = .none
        case .verifyCA: settings.certificateVerification = .noHostnameVerification
        case .verifyFull: settings.certificateVerification = .fullVerification
        }
        if let caFile { settings.trustRoots = .file(caFile) }
        return settings
    }

    var connection: PostgresConnection.Configuration {
        get throws {
        let tlsConfiguration: PostgresConnection.Configuration.TLS = switch tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: tlsSettings))
        case .require, .verifyCA, .verifyFull: .require(try NIOSSLContext(configuration: tlsSettings))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tlsConfiguration)
        configuration.options.connectTimeout = .seconds(5)
        if let schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        return configuration
        }
    }

    var client: PostgresClient.Configuration {
        let tlsConfiguration: PostgresClient.Configuration.TLS = switch tls {
        case .disable: .disable
        case .prefer: .prefer(tlsSettings)
        case .require, .verifyCA, .verifyFull: .require(tlsSettings)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tlsConfiguration)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        if let schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        return configuration
    }
}
