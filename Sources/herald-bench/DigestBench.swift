import HeraldPipeline
import ArgumentParser
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import HeraldWorkers
import Logging
import PostgresNIO

/// The digest aggregator under load: deferred notifications for many recipients whose windows have all closed,
/// folded into digests by the production aggregator (in this process, batches of 500 recipients), timed.
struct DigestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest", abstract: "Fold deferred notifications into digests and report items folded per second.")

    @Option(help: "Recipients with closed windows.") var recipients = 10_000
    @Option(help: "Deferred notifications spread over them.") var items = 50_000
    @Option(help: "Aggregators running at once (as replicas would).") var aggregators = 1

    func run() async throws {
        var logger = Logger(label: "herald-bench")
        logger.logLevel = .warning
        try await ProcessRuntime.command("herald-bench") {
            try await Infrastructure.withDatabase(logger: logger) { database in
                let bus = try await BusClient.connect(
                    Infrastructure.amqp(environment: Environment(), processName: "herald-bench"), logger: logger)
                try await measure(database: database, bus: bus, logger: logger)
                await bus.shutdown()
            }
        }
    }

    private func measure(database: Database, bus: BusClient, logger: Logger) async throws {
        let templates = TemplateRepository(database: database, logger: logger)
        let tenant = Tenant.defaultID
        let digest = try await templates.put(
            tenantID: tenant, name: "digest", locale: "", channel: .email, subject: "{{count}} zmian",
            text: "{{#items}}- {{subject}}\n{{/items}}", html: "<ul>{{#items}}<li>{{{html}}}</li>{{/items}}</ul>")
        let procedureID = UUID()
        try await database.client.query("""
            insert into recipients (tenant_id, external_id, email, timezone, preference, digest_hour)
            select \(tenant), 'bench-' || g, 'bench' || g || '@example.com', 'UTC', 'daily', 8 from generate_series(1, \(recipients)) g
            on conflict (tenant_id, external_id) do nothing
            """, logger: logger)
        try await database.client.query("insert into procedures (id, kind, tenant_id) values (\(procedureID), 'bench-digest', \(tenant))", logger: logger)
        try await database.client.query("""
            with items as (
                select gen_random_uuid() as id, 'bench-' || (1 + g % \(recipients)) as recipient, g from generate_series(1, \(items)) g
            ), inserted as (
                insert into messages (id, procedure_id, tenant_id, channel, to_address, recipient_id, template_id, state,
                                      category, created_at)
                select id, \(procedureID), \(tenant), 'email', recipient || '@example.com', recipient, \(digest.id), 'deferred',
                       'case ' || g, now() - interval '1 hour'
                from items returning id, recipient_id
            ), contents as (
                insert into message_contents (message_id, subject, text_body, html_body)
                select id, 'Sprawa ' || g, 'Sprawa ' || g || ': zmiana statusu', '<p>Sprawa <b>' || g || '</b></p>' from items
            )
            insert into deferred_items (message_id, tenant_id, recipient_id, channel, due_at)
            select id, \(tenant), recipient_id, 'email', now() - interval '1 minute' from inserted
            """, logger: logger)
        try await database.client.query("analyze deferred_items", logger: logger)

        let aggregator = DigestAggregator(
            digests: DigestRepository(database: database, logger: logger), templates: templates,
            publisher: Infrastructure(database: database, bus: bus).publisher(logger: logger),
            configuration: .init(batchSize: 500), logger: logger)
        let start = ContinuousClock.now
        let totals = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
            for _ in 0..<aggregators {
                group.addTask {
                    var (folded, digests, recipients) = (0, 0, 0)
                    while true {
                        let outcome = try await aggregator.aggregateOnce()
                        if outcome.recipients == 0 { return (folded, digests, recipients) }
                        folded += outcome.itemsDigested + outcome.itemsAlone
                        digests += outcome.digests
                        recipients += outcome.recipients
                    }
                }
            }
            return try await group.reduce((0, 0, 0)) { ($0.0 + $1.0, $0.1 + $1.1, $0.2 + $1.2) }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.inSeconds
        print(String(format: "digest: %d deferred items of %d recipients folded into %d digests in %.2f s = %.0f items/s (aggregators: %d)",
                     totals.0, totals.2, totals.1, seconds, Double(totals.0) / seconds, aggregators))
    }
}
