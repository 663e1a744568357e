import Foundation
import HeraldCore
import Logging
import PostgresNIO

/// The API's read models: a message with its events, a procedure with its messages.
public struct MessageQueries: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    public func message(_ id: UUID) async throws -> MessageRecord? {
        let rows = try await client.query("""
            select m.id, m.procedure_id, m.channel, m.state, t.name, t.version, m.locale, m.send_at, m.provider_id,
                   m.attempts, m.last_error, m.segments, m.created_at, m.updated_at, m.erased_at
            from messages m join templates t on t.id = m.template_id where m.id = \(id)
            """, logger: logger)
        var record: MessageRecord?
        for try await row in rows {
            let columns = row.makeRandomAccess()
            func column<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T {
                try columns[index].decode(T.self, context: .default)
            }
            record = MessageRecord(
                id: try column(0), procedureID: try column(1), channel: try column(2), state: try column(3),
                templateName: try column(4), templateVersion: try column(5), locale: try column(6),
                sendAt: try column(7), providerID: try column(8), attempts: try column(9), lastError: try column(10),
                segments: try column(11), createdAt: try column(12), updatedAt: try column(13), erasedAt: try column(14),
                events: [])
        }
        guard var record else { return nil }
        let events = try await client.query("""
            select from_state, to_state, detail, at from message_events where message_id = \(id) order by id
            """, logger: logger)
        for try await (from, to, detail, at) in events.decode((String?, String, String?, Date).self) {
            record.events.append(.init(from: from, to: to, detail: detail, at: at))
        }
        return record
    }

    public func procedure(_ id: UUID) async throws -> ProcedureRecord? {
        let header = try await client.query("select kind, created_at from procedures where id = \(id)", logger: logger)
        var found: (String, Date)?
        for try await row in header.decode((String, Date).self) { found = row }
        guard let (kind, createdAt) = found else { return nil }
        let rows = try await client.query(
            "select id, state, channel from messages where procedure_id = \(id) order by created_at, id", logger: logger)
        var messages: [(id: UUID, state: String, channel: String)] = []
        var counts: [String: Int] = [:]
        for try await (messageID, state, channel) in rows.decode((UUID, String, String).self) {
            messages.append((messageID, state, channel))
            counts[state, default: 0] += 1
        }
        return ProcedureRecord(id: id, kind: kind, createdAt: createdAt, counts: counts, messages: messages)
    }
}
