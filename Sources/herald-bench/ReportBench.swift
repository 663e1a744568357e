import ArgumentParser
import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldProviders
import HeraldRuntime
import HeraldStore
import Logging
import NIOCore
import PostgresNIO
import NIOHTTP1

/// Delivery reports applied by a running herald-api: sent SMS made in the database (each with its poll row, as
/// herald-sms leaves it), then one `DELIVERED` report per message POSTed to its signed report URL, `concurrency`
/// at once over keep-alive connections, as Tyntec would push them; timed until the last is answered and checked
/// against the database.
struct ReportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports", abstract: "Push Tyntec delivery reports at a running herald-api and report reports applied per second.")

    @Option(help: "The API's base URL.") var api = "http://127.0.0.1:8080"
    @Option(help: "Sent SMS to report on.") var messages = 20_000
    @Option(help: "Reports in flight at once.") var concurrency = 64

    func run() async throws {
        var logger = Logger(label: "herald-bench")
        logger.logLevel = .warning
        let tokens = ProviderTokens(secret: try Environment().tokenSecret(for: .publicURL))
        try await ProcessRuntime.command("herald-bench") {
            try await Infrastructure.withDatabase(logger: logger) { database in
                try await measure(database: database, tokens: tokens, logger: logger)
            }
        }
    }

    private func measure(database: Database, tokens: ProviderTokens, logger: Logger) async throws {
        let procedureID = UUID()
        let tenant = Tenant.defaultID
        let template = try await TemplateRepository(database: database, logger: logger).put(
            tenantID: tenant, name: "bench-report", locale: "", channel: .sms, subject: nil, text: "Report", html: nil)
        try await database.client.query(
            "insert into procedures (id, kind, tenant_id) values (\(procedureID), 'bench-reports', \(tenant))", logger: logger)
        let rows = try await database.client.query("""
            with made as (
                insert into messages (id, procedure_id, tenant_id, channel, to_address, template_id, state)
                select gen_random_uuid(), \(procedureID), \(tenant), 'sms', '+48601' || lpad(g::text, 6, '0'), \(template.id), 'sent'
                from generate_series(1, \(messages)) g returning id
            )
            insert into sms_polls (message_id, request_id, valid_until, next_poll_at)
            select id, gen_random_uuid()::text, now() + interval '2 days', now() + interval '1 hour' from made
            returning message_id, request_id
            """, logger: logger)
        var reports: [(UUID, String)] = []
        for try await row in rows.decode((UUID, String).self) { reports.append(row) }

        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
        let start = ContinuousClock.now
        let refused = try await withThrowingTaskGroup(of: Int.self) { group in
            var next = reports.makeIterator()
            func add() {
                guard let (id, requestID) = next.next() else { return }
                group.addTask {
                    var request = HTTPClientRequest(url: api + "/v1/providers/tyntec/reports/" + tokens.token(for: id, .tyntecReport))
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: #"{"requestId": "\#(requestID)", "status": "DELIVERED", "doneDate": "2026-12-03T10:00:00Z"}"#))
                    let response = try await http.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 16)
                    return response.status.code == 200 ? 0 : 1
                }
            }
            for _ in 0..<concurrency { add() }
            var refused = 0
            while let outcome = try await group.next() {
                refused += outcome
                add()
            }
            return refused
        }
        let elapsed = ContinuousClock.now - start
        try await http.shutdown()
        var delivered = 0
        for try await count in try await database.client.query(
            "select count(*) from messages where procedure_id = \(procedureID) and state = 'delivered'", logger: logger
        ).decode(Int.self) { delivered = count }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "delivery reports: %d in %.2f s = %.0f reports/s applied (%d delivered, %d not answered 200), %d at once",
                     reports.count, seconds, Double(reports.count) / seconds, delivered, refused, concurrency))
        if delivered != reports.count || refused > 0 { throw ExitCode.failure }
    }
}
