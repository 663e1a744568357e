import Foundation
package import HeraldProviders
package import HeraldRuntime
import HeraldStore
package import Logging
import NIOCore
import ServiceLifecycle

/// `herald-inbound`: its settings, read once, and the services it runs (the database and its SMTP listener; no
/// broker).
package struct InboundProcess: Sendable {
    package var host: String
    package var port: Int
    package var maxBytes: Int
    package var addresses: BounceAddresses
    /// How long a hard bounce keeps its address suppressed; nil: for good.
    package var hardBounceSuppression: Duration?
    package var databaseConnections: Int

    package init(environment: Environment) throws {
        (host, port) = try environment.hostAndPort(.inboundSMTPAddress)
        maxBytes = try environment.int(.inboundMaxBytes, minimum: 1024)
        guard let domain = try environment.bounceDomain() else {
            throw ConfigurationError("HERALD_BOUNCE_DOMAIN is required: herald-inbound accepts mail for that domain only")
        }
        addresses = BounceAddresses(domain: domain, tokens: ProviderTokens(secret: try environment.tokenSecret(for: .bounceDomain)))
        let days = try environment.int(.hardBounceSuppressionDays, minimum: 0)
        hardBounceSuppression = days == 0 ? nil : .seconds(days * 86_400)
        databaseConnections = try environment.int(.databaseConnections)
    }

    package static func run(environment: Environment, logger: Logger) async throws {
        let process = try InboundProcess(environment: environment)
        let database = try await Infrastructure.database(
            environment: environment, connections: process.databaseConnections, logger: logger)
        let recorder = InboundRecorder(
            store: BounceStore(database: database, logger: logger),
            suppressions: SuppressionStore(database: database, logger: logger), hardBounceSuppression: process.hardBounceSuppression,
            logger: logger)
        let addresses = process.addresses
        let maxBytes = process.maxBytes
        let domains = ReturnPathDomains(store: SendingDomainStore(database: database, logger: logger), logger: logger)
        let server = try await InboundSMTPServer(
            host: process.host, port: process.port, setting: "HERALD_INBOUND_SMTP_ADDRESS", logger: logger,
            beforeAccepting: domains.load
        ) {
            InboundSession(
                hostname: addresses.domain, addresses: addresses, returnPathDomains: domains.current, maxBytes: maxBytes
            ) { mail, recipients in
                try await recorder.record(mail, recipients: recipients, bounceDomain: addresses.domain)
            }
        }
        logger.info("receiving reports for \(addresses.domain) on \(process.host):\(process.port)")
        let metrics = try ObservabilityServer.service(
            process: "herald-inbound", environment: environment, database: database, bus: nil, logger: logger)
        try await ProcessRuntime.run([database, metrics, domains, server], logger: logger)
    }
}
