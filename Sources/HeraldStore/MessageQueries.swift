package import Foundation
import HeraldCore
package import Logging
import PostgresNIO

/// The API's read models, each within one tenant: a message with its events, a procedure with a page of its
/// messages, and listings newest first, paged by keyset (creation time and id), so a page never repeats or skips a
/// message however many arrive meanwhile.
package struct MessageQueries: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    static let columns = """
        m.id, m.procedure_id, m.reference, m.recipient_id, m.channel, m.state, t.name, t.version, m.locale, m.send_at,
        m.provider_id, m.attempts, m.last_error, m.segments, m.created_at, m.updated_at, m.erased_at,
        (extract(epoch from m.created_at) * 1000000)::int8
        """

    /// A message with its events; within one tenant, or any tenant's for nil (operators).
    package func message(_ id: UUID, tenantID: UUID?) async throws -> MessageRecord? {
        let rows = try await client.query("""
            select \(unescaped: Self.columns)
            from messages m join templates t on t.id = m.template_id
            where m.id = \(id) and (\(tenantID)::uuid is null or m.tenant_id = \(tenantID))
            """, logger: logger)
        guard var record = try await Self.decode(rows).first else { return nil }
        let events = try await client.query("""
            select from_state, to_state, detail, at from message_events where message_id = \(id) order by id
            """, logger: logger)
        for try await (from, to, detail, at) in events.decode((String?, String, String?, Date).self) {
            record.events.append(.init(from: from, to: to, detail: detail, at: at))
        }
        return record
    }

    /// A page of the tenant's messages, newest first, and where the next page starts (nil on the last).
    package func list(_ filter: MessageFilter, tenantID: UUID) async throws -> (messages: [MessageRecord], next: ListPosition?) {
        let limit = max(1, min(filter.limit, 1000))
        let rows = try await client.query("""
            select \(unescaped: Self.columns)
            from messages m join templates t on t.id = m.template_id
            where m.tenant_id = \(tenantID)
              and (\(filter.state?.rawValue)::text is null or m.state = \(filter.state?.rawValue))
              and (\(filter.channel?.rawValue)::text is null or m.channel = \(filter.channel?.rawValue))
              and (\(filter.procedureID)::uuid is null or m.procedure_id = \(filter.procedureID))
              and (\(filter.reference)::text is null or m.reference = \(filter.reference))
              and (\(filter.recipient)::text is null or m.recipient_id = \(filter.recipient) or m.to_address = \(filter.recipient))
              and (\(filter.createdAfter)::timestamptz is null or m.created_at > \(filter.createdAfter))
              and (\(filter.createdBefore)::timestamptz is null or m.created_at < \(filter.createdBefore))
              and (\(filter.after?.id)::uuid is null or (m.created_at, m.id) <
                   (timestamptz 'epoch' + \(filter.after?.createdMicros)::int8 * interval '1 microsecond', \(filter.after?.id)))
            order by m.created_at desc, m.id desc
            limit \(limit + 1)
            """, logger: logger)
        return try await Self.decode(rows).page(of: limit)
    }

    package func procedure(_ id: UUID, tenantID: UUID, page: MessageFilter) async throws -> ProcedureRecord? {
        let header = try await client.query(
            "select kind, created_at from procedures where id = \(id) and tenant_id = \(tenantID)", logger: logger)
        var found: (String, Date)?
        for try await row in header.decode((String, Date).self) { found = row }
        guard let (kind, createdAt) = found else { return nil }
        let countRows = try await client.query(
            "select state, count(*)::int8 from messages where procedure_id = \(id) group by state", logger: logger)
        var counts: [String: Int] = [:]
        for try await (state, count) in countRows.decode((String, Int).self) { counts[state] = count }
        var filter = page
        filter.procedureID = id
        let (messages, next) = try await list(filter, tenantID: tenantID)
        return ProcedureRecord(id: id, kind: kind, createdAt: createdAt, counts: counts, messages: messages, next: next)
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [MessageRecord] {
        var records: [MessageRecord] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            func column<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T {
                try columns[index].decode(T.self, context: .default)
            }
            records.append(MessageRecord(
                id: try column(0), procedureID: try column(1), reference: try column(2), recipientID: try column(3),
                channel: try column(4), state: try column(5), templateName: try column(6), templateVersion: try column(7),
                locale: try column(8), sendAt: try column(9), providerID: try column(10), attempts: try column(11),
                lastError: try column(12), segments: try column(13), createdAt: try column(14), updatedAt: try column(15),
                erasedAt: try column(16), events: [], createdMicros: try column(17)))
        }
        return records
    }
}
