package import HeraldStore
package import HeraldBus
package import HeraldProviders
package import HeraldRuntime
import HeraldCore
import struct Foundation.CharacterSet
import struct Foundation.URL

/// Settings shared by the queue workers, from the environment.
package struct WorkerConfiguration: Sendable {
    /// Unacknowledged deliveries the broker may hand this process.
    package var prefetch: UInt16
    /// Batches handled at once.
    package var concurrency: Int
    package var databaseConnections: Int
    package var topology: Topology
    /// Senders: messages claimed at a time, just before they go to the provider.
    package var sendSlice: Int

    package init(environment: Environment = Environment()) throws {
        prefetch = UInt16(min(try environment.int(.prefetch), Int(UInt16.max)))
        concurrency = try environment.int(.concurrency)
        databaseConnections = try environment.int(.databaseConnections)
        sendSlice = try environment.int(.sendSlice)
        topology = try Topology(environment: environment)
    }
}

/// Settings of `herald-email`.
package struct EmailConfiguration: Sendable {
    package var smtp: SMTPConfiguration
    package var from: MIMEMessage.Mailbox
    /// Each email's envelope sender at `HERALD_BOUNCE_DOMAIN`; nil: the From address, and nothing comes back.
    package var bounces: BounceAddresses?
    /// One-click unsubscribe links at `HERALD_PUBLIC_URL`; nil: List-Unsubscribe has the mailto only, if any.
    package var links: PublicLinks?

    package init(environment: Environment = Environment()) throws {
        let rawTLS = environment.optional(.smtpTLS)
        let tls = try rawTLS.map { raw in
            guard let tls = SMTPConfiguration.TLS(rawValue: raw) else {
                throw ConfigurationError("HERALD_SMTP_TLS must be required, opportunistic or none, got '\(raw)'")
            }
            return tls
        }
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

/// Settings of `herald-sms` and `herald-poller`: the Tyntec account and how SMS are sent and followed up.
package struct SMSConfiguration: Sendable {
    package var tyntec: TyntecConfiguration
    /// Sender id for messages that do not name their own.
    package var from: String
    package var poller: PollerConfiguration
    /// Where Tyntec pushes delivery reports (`HERALD_PUBLIC_URL` and `HERALD_TOKEN_SECRET`); nil: polling only.
    package var reports: PublicLinks?
    /// With reports pushed, how long a sent SMS waits for one before the poller asks.
    package var receiptGrace: Duration

    package init(environment: Environment = Environment()) throws {
        reports = try EmailConfiguration.publicLinks(environment)
        receiptGrace = .seconds(try environment.int(.receiptGrace, minimum: 1))
        let url = try environment.string(.tyntecURL)
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ConfigurationError("HERALD_TYNTEC_URL must be an http:// or https:// URL, got '\(url)'")
        }
        guard let key = environment.optional(.tyntecAPIKey), !key.isEmpty else {
            throw ConfigurationError("HERALD_TYNTEC_API_KEY is required (the key Tyntec issued for the account)")
        }
        let validityMinutes = try environment.int(.smsValidity)
        guard validityMinutes > 0 else { throw ConfigurationError("HERALD_SMS_VALIDITY_MINUTES must be positive") }
        tyntec = TyntecConfiguration(
            baseURL: url, apiKey: key, connections: try environment.int(.tyntecConnections),
            timeout: .seconds(try environment.int(.tyntecTimeout)),
            validity: .seconds(validityMinutes * 60))
        let rawFrom = try environment.string(.smsFrom)
        do {
            from = try SMSSenderID(rawFrom).value
        } catch {
            throw ConfigurationError("HERALD_SMS_FROM: \(error)")
        }
        var poller = PollerConfiguration()
        poller.delays = try environment.milliseconds(.pollDelays)
        poller.batchSize = try environment.int(.pollBatch)
        poller.concurrency = try environment.int(.pollConcurrency)
        poller.lease = .seconds(try environment.int(.pollLease))
        self.poller = poller
    }

    /// Where sent SMS join the poller's schedule: with reports pushed, only past the grace period, so the poller
    /// asks about what no report settled.
    package var polling: SMSPolling {
        SMSPolling(firstPoll: reports == nil ? poller.delays[0] : receiptGrace, validity: tyntec.validity)
    }
}


extension RecoveryPolicy {
    /// A sender refuses to start when its provider may take longer than the sending timeout: the sweeper would send
    /// again messages still at the provider.
    package func requireSendingTimeout(longerThan providerTimeout: Duration, setting: String) throws {
        guard sendingTimeout > providerTimeout else {
            throw ConfigurationError(
                "HERALD_SENDING_TIMEOUT_SECONDS (\(Int(sendingTimeout.inSeconds))) must be longer than what \(setting) "
                    + "lets a provider call take (\(Int(providerTimeout.inSeconds.rounded(.up))) s), or messages still "
                    + "at the provider are sent again")
        }
    }
}
