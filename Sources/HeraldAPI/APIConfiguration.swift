import HeraldIntake
package import HeraldCore
package import HeraldProviders
package import HeraldRendering
package import HeraldRuntime
package import HeraldStore
import struct Foundation.CharacterSet

/// `herald-api` settings, from the environment.
package struct APIConfiguration: Sendable {
    package enum Mode: String, Sendable, CaseIterable {
        /// HTTP and the relay.
        case all
        case http
        case relay
    }

    package var host: String
    package var port: Int
    package var mode: Mode
    package var maxBodySize: Int
    package var maxProcedureSize: Int
    package var relayInterval: Duration
    package var relayBatchSize: Int
    package var databaseConnections: Int
    package var retention: RetentionPolicy
    package var retentionInterval: Duration
    /// The locale templates fall back to for tenants that set none.
    package var defaultLocale: String
    /// Previews render with the renderer's settings.
    package var renderer: MessageRenderer
    /// Requests from `herald.intake` handled at once; 0 leaves the queue to other replicas.
    package var intakeConcurrency: Int
    /// Which addresses tenants' callback URLs may reach.
    package var callbackAddresses: CallbackAddressPolicy
    /// The least time between two retries of one message at the client's request.
    package var retryInterval: Duration
    /// The token of the URL Tyntec posts inbound SMS to; nil: inbound SMS are refused (404).
    package var tyntecInboundToken: String?
    /// The stop and start words of SMS replies.
    package var smsKeywords: SMSKeywords
    /// What checks the tokens of Tyntec's delivery-report URLs; nil: reports are refused (404).
    package var providerTokens: ProviderTokens?
    /// How long past a `BUFFERED` report the poller leaves a message alone.
    package var receiptGrace: Duration

    package init(environment: Environment = Environment()) throws {
        (host, port) = try environment.hostAndPort(.apiAddress)
        guard let mode = try environment.choice(.apiMode, as: Mode.self) else {
            throw ConfigurationError("HERALD_API_MODE is not set")
        }
        self.mode = mode
        maxBodySize = try environment.int(.apiMaxBodyBytes)
        maxProcedureSize = try environment.int(.apiMaxProcedureMessages)
        relayInterval = .milliseconds(try environment.int(.relayInterval))
        relayBatchSize = try environment.int(.relayBatch)
        databaseConnections = try environment.int(.databaseConnections, role: .api)
        let retentionDays = try environment.int(.retentionDays)
        let historyDays = try environment.int(.historyDays)
        guard historyDays >= retentionDays else {
            throw ConfigurationError(
                "HERALD_HISTORY_DAYS (\(historyDays)) must be at least HERALD_RETENTION_DAYS (\(retentionDays)): rows go only after their personal data")
        }
        retention = RetentionPolicy(personalData: .seconds(retentionDays * 86_400), history: .seconds(historyDays * 86_400))
        retentionInterval = .seconds(try environment.int(.retentionInterval))
        defaultLocale = try environment.string(.defaultLocale)
        let rendering = try RenderSettings(environment: environment)
        renderer = MessageRenderer(
            maxSMSSegments: rendering.maxSMSSegments, maxBytes: rendering.maxBytes, transliterate: rendering.transliterate)
        intakeConcurrency = try environment.int(.intakeConcurrency, minimum: 0)
        guard (0...1000).contains(intakeConcurrency) else {
            throw ConfigurationError("HERALD_INTAKE_CONCURRENCY must be from 0 to 1000, got \(intakeConcurrency)")
        }
        do {
            callbackAddresses = try CallbackAddressPolicy(allowedNetworks: environment.optional(.callbackAllowedNetworks))
        } catch {
            throw ConfigurationError(error.description)
        }
        retryInterval = .seconds(try environment.int(.retryInterval, minimum: 0))
        tyntecInboundToken = environment.optional(.tyntecInboundToken)
        if let token = tyntecInboundToken,
           token.count < 16 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            throw ConfigurationError("HERALD_TYNTEC_INBOUND_TOKEN must be at least 16 letters, digits, '-' or '_'")
        }
        providerTokens = environment.optional(.tokenSecret) == nil
            ? nil : ProviderTokens(secret: try environment.tokenSecret(for: .tokenSecret))
        receiptGrace = .seconds(try environment.int(.receiptGrace))
        smsKeywords = SMSKeywords(
            extraStop: SMSKeywords.words(environment.optional(.smsStopWords)),
            extraStart: SMSKeywords.words(environment.optional(.smsStartWords)))
    }
}
