import ArgumentParser
import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldRuntime
import HeraldStore
import Logging
import NIOCore
import PostgresNIO
import NIOHTTP1

/// One channel's path under load: procedures posted to a running fleet, then the time until every message is `sent`
/// (for SMS: handed to the provider; delivery is the poller's business, measured apart). Latency is read from the
/// database: each message's `sent` event against its creation.
struct SendBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Drive emails or SMS through a running fleet and report accepted/s, sent/s and latency.")

    @Option(help: "email or sms.") var channel = "email"
    @Option(help: "The API's base URL.") var api = "http://127.0.0.1:8080"
    @Option(help: "An API key.") var key: String
    @Option(help: "Messages to send.") var messages = 20_000
    @Option(help: "Messages per procedure request.") var batch = 500
    @Option(help: "Requests in flight at once.") var concurrency = 4
    @Option(help: "Give up waiting for delivery after this many seconds.") var timeout = 300

    func validate() throws {
        guard ["email", "sms"].contains(channel) else { throw ValidationError("--channel must be email or sms") }
    }

    func run() async throws {
        var logger = Logger(label: "herald-bench")
        logger.logLevel = .warning
        try await ProcessRuntime.command("herald-bench") {
            try await Infrastructure.withDatabase(logger: logger) { database in
                try await measure(database: database, logger: logger)
            }
        }
    }

    private func measure(database: Database, logger: Logger) async throws {
        let template = channel == "email"
            ? #"{"channel": "email", "subject": "Sprawa {{case}}: {{status}}", "text": "Dzień dobry {{name}},\nsprawa {{case}}: {{status}}.", "html": "<p>Dzień dobry {{name}},</p><p>sprawa <b>{{case}}</b>: {{status}}</p>"}"#
            : #"{"channel": "sms", "text": "Sprawa {{case}}: {{status}}. Szczegoly w e-mailu."}"#
        _ = try await send(.PUT, "/v1/templates/bench-\(channel)", template)
        let noun = channel == "email" ? "emails" : "SMS"
        // A kind of this run's own: the counts below are of this run's messages, not of an earlier run's.
        let kind = "bench-\(channel)-\(UUID().uuidString.prefix(8).lowercased())"

        let requests = (messages + batch - 1) / batch
        // The database's clock marks the start too, so that the time to the last `sent` event does not depend on
        // how often the progress is polled below.
        var databaseStart = Date()
        for try await now in try await database.client.query("select clock_timestamp()", logger: logger).decode(Date.self) {
            databaseStart = now
        }
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                guard next < requests else { return }
                let count = min(batch, messages - next * batch)
                let offset = next * batch
                next += 1
                let items = (0..<count).map { i in
                    channel == "email"
                        ? #"{"channel": "email", "to": {"email": "user\#(offset + i)@example.com", "name": "Użytkownik \#(offset + i)"}, "template": "bench-email", "variables": {"name": "U\#(offset + i)", "case": "\#(offset + i)", "status": "<open>"}}"#
                        : #"{"channel": "sms", "to": {"phone": "+4860\#(String(format: "%07d", offset + i))"}, "template": "bench-sms", "variables": {"case": "\#(offset + i)", "status": "open"}}"#
                }
                let body = #"{"kind": "\#(kind)", "messages": ["# + items.joined(separator: ",") + "]}"
                group.addTask { _ = try await send(.POST, "/v1/procedures", body) }
            }
            for _ in 0..<concurrency { add() }
            while try await group.next() != nil { add() }
        }
        let accepted = ContinuousClock.now - start
        print(String(format: "accepted: %d \(noun) in %.2f s = %.0f/s (%d per request, %d requests in flight)",
                     messages, accepted.inSeconds, Double(messages) / accepted.inSeconds, batch, concurrency))

        // Progress is polled once a second: the count is not free, and it would compete with the fleet for the
        // database. The figures below come from the events' timestamps, not from when the poll noticed.
        let deadline = ContinuousClock.now + .seconds(timeout)
        var done = 0
        while ContinuousClock.now < deadline {
            done = try await count(
                "select count(*)::int8 from messages m join procedures p on p.id = m.procedure_id where p.kind = '\(kind)' and m.state in ('sent', 'delivered', 'undeliverable', 'failed', 'dead')",
                in: database, logger: logger)
            if done >= messages { break }
            try await Task.sleep(for: .seconds(1))
        }
        let rows = try await database.client.query("""
            select percentile_cont(0.5) within group (order by extract(epoch from e.at - m.created_at)),
                   percentile_cont(0.99) within group (order by extract(epoch from e.at - m.created_at)),
                   max(extract(epoch from e.at - m.created_at))::float8,
                   extract(epoch from max(e.at) - \(databaseStart))::float8,
                   extract(epoch from max(e.at) - min(m.created_at))::float8
            from messages m join message_events e on e.message_id = m.id and e.to_state = 'sent'
            join procedures p on p.id = m.procedure_id where p.kind = \(kind)
            """, logger: logger)
        for try await (p50, p99, maximum, sinceStart, span) in rows.decode((Double, Double, Double, Double, Double).self) {
            print(String(format: "sent end to end: %d \(noun) in %.2f s from the first request to the last send = %.0f/s", done, sinceStart, Double(done) / sinceStart))
            print(String(format: "latency accept -> sent: p50 %.0f ms, p99 %.0f ms, max %.0f ms", p50 * 1000, p99 * 1000, maximum * 1000))
            print(String(format: "sent/s between the first acceptance and the last send: %.0f", Double(done) / span))
        }
        let failed = try await count(
            "select count(*)::int8 from messages m join procedures p on p.id = m.procedure_id where p.kind = '\(kind)' and m.state not in ('sent', 'delivered', 'undeliverable')",
            in: database, logger: logger)
        print("not sent: \(failed)")
        if failed > 0 {
            let rows = try await database.client.query("""
                select m.state, m.attempts, coalesce(m.last_error, '-'), count(*)::int8 from messages m
                join procedures p on p.id = m.procedure_id where p.kind = \(kind) and m.state not in ('sent', 'delivered', 'undeliverable')
                group by 1, 2, 3 order by 4 desc limit 10
                """, logger: logger)
            for try await (state, attempts, error, count) in rows.decode((String, Int, String, Int).self) {
                print("  \(count) \(state) after \(attempts) attempts: \(error)")
            }
        }
    }

    func count(_ sql: String, in database: Database, logger: Logger) async throws -> Int {
        for try await value in try await database.client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) {
            return value
        }
        return 0
    }

    func send(_ method: NIOHTTP1.HTTPMethod, _ path: String, _ body: String) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: api + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw ValidationError("\(method) \(path): \(response.status.code) \(String(buffer: bytes))")
        }
        return bytes
    }
}
