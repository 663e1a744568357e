import HeraldBus
import HeraldProviders
import HeraldServer
import HeraldCore
import struct Foundation.CharacterSet

/// Settings shared by the queue workers, from the environment.
public struct WorkerConfiguration: Sendable {
    /// Unacknowledged deliveries the broker may hand this process.
    public var prefetch: UInt16
    /// Batches handled at once.
    public var concurrency: Int
    public var databaseConnections: Int
    public var topology: Topology

    public init(environment: Environment = Environment()) throws {
        prefetch = UInt16(min(try environment.int("HERALD_PREFETCH", default: 600), Int(UInt16.max)))
        concurrency = try environment.int("HERALD_CONCURRENCY", default: 2)
        databaseConnections = try environment.int("HERALD_DATABASE_CONNECTIONS", default: 10)
        topology = Topology(
            retryDelays: try Self.delays(environment),
            deliveryLimit: try environment.int("HERALD_DELIVERY_LIMIT", default: 10))
    }

    /// `HERALD_RETRY_DELAYS_MS`, such as `1000,5000,30000`: the wait before each retry. It must match what
    /// `heraldctl topology` declared, since each delay is a queue.
    static func delays(_ environment: Environment) throws -> [Duration] {
        guard let raw = environment.optional("HERALD_RETRY_DELAYS_MS") else { return Topology().retryDelays }
        let values = raw.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ConfigurationError("HERALD_RETRY_DELAYS_MS must be positive milliseconds separated by commas, got '\(raw)'")
        }
        return values.map { .milliseconds($0!) }
    }
}

/// Settings of `herald-email`.
public struct EmailConfiguration: Sendable {
    public var smtp: SMTPConfiguration
    public var from: MIMEMessage.Mailbox

    public init(environment: Environment = Environment()) throws {
        let rawTLS = environment.optional("HERALD_SMTP_TLS")
        let tls = try rawTLS.map { raw in
            guard let tls = SMTPConfiguration.TLS(rawValue: raw) else {
                throw ConfigurationError("HERALD_SMTP_TLS must be required, opportunistic or none, got '\(raw)'")
            }
            return tls
        }
        do {
            smtp = try SMTPConfiguration(
                url: environment.string("HERALD_SMTP_URL", default: "smtp://127.0.0.1:2525"), tls: tls,
                caFile: environment.optional("HERALD_SMTP_CA_FILE"),
                timeout: .seconds(try environment.int("HERALD_SMTP_TIMEOUT_SECONDS", default: 30)),
                connections: try environment.int("HERALD_SMTP_CONNECTIONS", default: 8))
        } catch let error as SMTPConfiguration.Invalid {
            throw ConfigurationError(error.description)
        }
        from = try Self.mailbox(environment.string("HERALD_SMTP_FROM", default: "Herald <herald@herald.localhost>"))
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
