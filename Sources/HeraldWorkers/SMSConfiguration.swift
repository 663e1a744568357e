package import HeraldStore
import HeraldBus
package import HeraldProviders
package import HeraldRuntime
import HeraldCore
import struct Foundation.CharacterSet
import struct Foundation.URL

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
