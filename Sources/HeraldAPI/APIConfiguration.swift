import HeraldCore
import HeraldProviders
import HeraldRendering
import HeraldServer
import HeraldStore
import struct Foundation.CharacterSet

/// `herald-api` settings, from the environment.
public struct APIConfiguration: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// HTTP and the relay.
        case all
        case http
        case relay
    }

    public var host: String
    public var port: Int
    public var mode: Mode
    public var maxBodySize: Int
    public var maxProcedureSize: Int
    public var relayInterval: Duration
    public var relayBatchSize: Int
    public var databaseConnections: Int
    public var retention: RetentionPolicy
    public var retentionInterval: Duration
    /// The locale templates fall back to for tenants that set none.
    public var defaultLocale: String
    /// Previews render with the renderer's settings.
    public var renderer: MessageRenderer
    /// Requests from `herald.intake` handled at once; 0 leaves the queue to other replicas.
    public var intakeConcurrency: Int
    /// Which addresses tenants' callback URLs may reach.
    public var callbackAddresses: CallbackAddressPolicy
    /// The least time between two retries of one message at the client's request.
    public var retryInterval: Duration
    /// The token of the URL Tyntec posts inbound SMS to; nil: inbound SMS are refused (404).
    public var tyntecInboundToken: String?
    /// The stop and start words of SMS replies.
    public var smsKeywords: SMSKeywords
    /// What checks the tokens of Tyntec's delivery-report URLs; nil: reports are refused (404).
    public var providerTokens: ProviderTokens?
    /// How long past a `BUFFERED` report the poller leaves a message alone.
    public var receiptGrace: Duration

    public init(environment: Environment = Environment()) throws {
        (host, port) = try environment.hostAndPort("HERALD_API_ADDRESS", default: "127.0.0.1:8080")
        let rawMode = try environment.string("HERALD_API_MODE", default: "all")
        guard let mode = Mode(rawValue: rawMode) else {
            throw ConfigurationError("HERALD_API_MODE must be all, http or relay, got '\(rawMode)'")
        }
        self.mode = mode
        maxBodySize = try environment.int("HERALD_API_MAX_BODY_BYTES", default: 4 << 20)
        maxProcedureSize = try environment.int("HERALD_API_MAX_PROCEDURE_MESSAGES", default: 1000)
        relayInterval = .milliseconds(try environment.int("HERALD_RELAY_INTERVAL_MS", default: 1000))
        relayBatchSize = try environment.int("HERALD_RELAY_BATCH", default: 1000)
        databaseConnections = try environment.int("HERALD_DATABASE_CONNECTIONS", default: 20)
        let retentionDays = try environment.int("HERALD_RETENTION_DAYS", default: 7)
        let historyDays = try environment.int("HERALD_HISTORY_DAYS", default: 90)
        guard historyDays >= retentionDays else {
            throw ConfigurationError(
                "HERALD_HISTORY_DAYS (\(historyDays)) must be at least HERALD_RETENTION_DAYS (\(retentionDays)): rows go only after their personal data")
        }
        retention = RetentionPolicy(personalData: .seconds(retentionDays * 86_400), history: .seconds(historyDays * 86_400))
        retentionInterval = .seconds(try environment.int("HERALD_RETENTION_INTERVAL_SECONDS", default: 60))
        defaultLocale = try environment.string("HERALD_DEFAULT_LOCALE", default: "en")
        let rendering = try RenderSettings(environment: environment)
        renderer = MessageRenderer(
            maxSMSSegments: rendering.maxSMSSegments, maxBytes: rendering.maxBytes, transliterate: rendering.transliterate)
        intakeConcurrency = try environment.int("HERALD_INTAKE_CONCURRENCY", default: 8, minimum: 0)
        guard (0...1000).contains(intakeConcurrency) else {
            throw ConfigurationError("HERALD_INTAKE_CONCURRENCY must be from 0 to 1000, got \(intakeConcurrency)")
        }
        do {
            callbackAddresses = try CallbackAddressPolicy(allowedNetworks: environment.optional("HERALD_CALLBACK_ALLOWED_NETWORKS"))
        } catch {
            throw ConfigurationError(error.description)
        }
        retryInterval = .seconds(try environment.int("HERALD_RETRY_INTERVAL_SECONDS", default: 60, minimum: 0))
        tyntecInboundToken = environment.optional("HERALD_TYNTEC_INBOUND_TOKEN")
        if let token = tyntecInboundToken,
           token.count < 16 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            throw ConfigurationError("HERALD_TYNTEC_INBOUND_TOKEN must be at least 16 letters, digits, '-' or '_'")
        }
        providerTokens = environment.optional("HERALD_TOKEN_SECRET") == nil
            ? nil : ProviderTokens(secret: try environment.tokenSecret(for: "herald-api"))
        receiptGrace = .seconds(try environment.int("HERALD_RECEIPT_GRACE_SECONDS", default: 600))
        smsKeywords = SMSKeywords(
            extraStop: SMSKeywords.words(environment.optional("HERALD_SMS_STOP_WORDS")),
            extraStart: SMSKeywords.words(environment.optional("HERALD_SMS_START_WORDS")))
    }
}
