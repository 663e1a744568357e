import ArgumentParser
import Foundation
import HeraldCore
import HeraldProviders
import HeraldSandbox
import HeraldRuntime
import HeraldStore
import Logging
import Synchronization
import PostgresNIO

/// Bounces recorded by a running herald-inbound: sent emails made in the database, then one delivery status
/// notification (RFC 3464, as the sandbox bounces) per message to its signed bounce address, over `connections` SMTP
/// sessions (libcurl, as an MTA would hand them over); timed until the last is answered and checked against the
/// database.
struct InboundBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbound", abstract: "Hand DSNs to a running herald-inbound over SMTP and report bounces recorded per second.")

    @Option(help: "herald-inbound's SMTP URL.") var smtp = "smtp://127.0.0.1:2526"
    @Option(help: "The bounce domain (HERALD_BOUNCE_DOMAIN of herald-inbound).") var bounceDomain = "bounces.herald.localhost"
    @Option(help: "Sent emails to bounce.") var messages = 20_000
    @Option(help: "SMTP sessions at once.") var connections = 16

    func run() async throws {
        var logger = Logger(label: "herald-bench")
        logger.logLevel = .warning
        let addresses = BounceAddresses(
            domain: bounceDomain, tokens: ProviderTokens(secret: try Environment().tokenSecret(for: .bounceDomain)))
        try await ProcessRuntime.command("herald-bench") {
            try await Infrastructure.withDatabase(logger: logger) { database in
                try await measure(database: database, addresses: addresses, logger: logger)
            }
        }
    }

    private func measure(database: Database, addresses: BounceAddresses, logger: Logger) async throws {
        let procedureID = UUID()
        let tenant = Tenant.defaultID
        let template = try await TemplateRepository(database: database, logger: logger).put(
            tenantID: tenant, name: "bench-bounce", locale: "", channel: .email, subject: "Bench", text: "Bench", html: nil)
        try await database.client.query(
            "insert into procedures (id, kind, tenant_id) values (\(procedureID), 'bench-inbound', \(tenant))", logger: logger)
        let rows = try await database.client.query("""
            insert into messages (id, procedure_id, tenant_id, channel, to_address, template_id, state)
            select gen_random_uuid(), \(procedureID), \(tenant), 'email', 'gone' || g || '@bench.example', \(template.id), 'sent'
            from generate_series(1, \(messages)) g returning id, to_address
            """, logger: logger)
        var envelopes: [SMTPSender.Envelope] = []
        for try await (id, address) in rows.decode((UUID, String).self) {
            let bounceAddress = addresses.address(for: id)
            envelopes.append(.init(
                from: "", to: bounceAddress,
                data: Bouncer.notification(to: bounceAddress, recipient: address, original: Array("Subject: Bench\r\n\r\n".utf8)),
                messageID: id.uuidString))
        }
        let sender = try SMTPSender(configuration: SMTPConfiguration(
            url: smtp, tls: SMTPConfiguration.TLS.none, caFile: nil, timeout: .seconds(30), connections: connections))
        let refused = Refusals()
        let start = ContinuousClock.now
        await sender.send(envelopes: envelopes) { _, outcome in
            if case .accepted = outcome { return }
            refused.add()
        }
        let elapsed = ContinuousClock.now - start
        try await sender.shutdown()
        var bounced = 0
        for try await count in try await database.client.query(
            "select count(*) from messages where procedure_id = \(procedureID) and state = 'bounced'", logger: logger
        ).decode(Int.self) { bounced = count }
        print(String(format: "bounces: %d DSNs in %.2f s = %.0f DSNs/s recorded (%d bounced, %d not answered 250), %d SMTP sessions",
                     envelopes.count, elapsed.inSeconds, Double(envelopes.count) / elapsed.inSeconds, bounced, refused.count, connections))
        if bounced != envelopes.count || refused.count > 0 { throw ExitCode.failure }
    }
}

/// Counts refusals reported from libcurl's threads.
final class Refusals: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
