package import Foundation
package import HeraldCore
package import Logging
import PostgresNIO

/// The numbers tenants send SMS from (`tenant_numbers`) and the SMS sent back to them (`inbound_messages`).
package struct InboundStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    // MARK: Numbers

    /// Ties `number` (E.164) to the tenant named `tenant`; a number belongs to one tenant.
    package func addNumber(_ number: String, tenant: String) async throws {
        guard PhoneNumber.isE164(number) else { throw StoreError(.invalid, "'\(number)' is not an E.164 number such as +48601234567") }
        do {
            let rows = try await client.query("""
                insert into tenant_numbers (number, tenant_id) select \(number), id from tenants where name = \(tenant)
                returning 1
                """, logger: logger)
            guard try await rows.decode(Int.self).collect().count == 1 else {
                throw StoreError(.notFound, "no tenant named '\(tenant)'")
            }
        } catch where StoreError.isUniqueViolation(error) {
            throw StoreError(.conflict, "the number belongs to a tenant already (remove it there first)")
        }
    }

    /// The tenant's numbers.
    package func numbers(tenant: String) async throws -> [String] {
        let rows = try await client.query("""
            select n.number from tenant_numbers n join tenants t on t.id = n.tenant_id where t.name = \(tenant)
            order by n.number
            """, logger: logger)
        return try await rows.decode(String.self).collect()
    }

    /// Unties the number from the tenant; false when it was not the tenant's.
    package func removeNumber(_ number: String, tenant: String) async throws -> Bool {
        let rows = try await client.query("""
            delete from tenant_numbers n using tenants t where n.tenant_id = t.id and t.name = \(tenant) and n.number = \(number)
            returning 1
            """, logger: logger)
        return try await rows.decode(Int.self).collect().count == 1
    }

    /// The tenant a number belongs to.
    package func tenant(ofNumber number: String) async throws -> UUID? {
        let rows = try await client.query("select tenant_id from tenant_numbers where number = \(number)", logger: logger)
        return try await rows.decode(UUID.self).collect().first
    }

    // MARK: Inbound messages

    /// What recording an inbound SMS did.
    package enum Recorded: Sendable, Equatable {
        /// Stored (and its keyword acted on).
        case stored(UUID)
        /// This `requestId` was stored before: nothing changed.
        case duplicate
    }

    /// Stores an inbound SMS once per `requestID` and, in the same statement, acts on its keyword (`stop` suppresses
    /// the sender's number for the tenant's SMS, reason `unsubscribe`; `start` lifts such an entry, not the tenant's
    /// own `manual` ones) and queues its callback when the tenant has a receiver. A duplicate changes nothing.
    package func record(
        tenantID: UUID, requestID: String, from: String, to: String, text: String, keyword: SMSKeywords.Keyword?
    ) async throws -> Recorded {
        let rows = try await client.query("""
            with inbound as (
                insert into inbound_messages (tenant_id, request_id, from_number, to_number, text, keyword)
                values (\(tenantID), \(requestID), \(from), \(to), \(text), \(keyword?.rawValue))
                on conflict (request_id) do nothing
                returning id
            ), stopped as (
                insert into suppressions (tenant_id, channel, address, category, reason, note)
                select \(tenantID), 'sms', \(from), '', 'unsubscribe', 'the recipient answered a stop word'
                from inbound where \(keyword?.rawValue)::text = 'stop'
                on conflict (tenant_id, channel, address, category) do update
                    set reason = 'unsubscribe', note = excluded.note, expires_at = null
                    where suppressions.reason <> 'manual'
            ), started as (
                delete from suppressions
                where \(keyword?.rawValue)::text = 'start' and exists (select 1 from inbound)
                  and tenant_id = \(tenantID) and channel = 'sms' and address = \(from) and reason = 'unsubscribe'
            ), called_back as (
                insert into callbacks (tenant_id, inbound_id, state, at)
                select \(tenantID), id, 'inbound', now() from inbound
                where exists (select 1 from tenants where id = \(tenantID) and callback_url is not null)
            )
            select id from inbound
            """, logger: logger)
        guard let id = try await rows.decode(UUID.self).collect().first else { return .duplicate }
        return .stored(id)
    }

    /// A page of the tenant's inbound SMS, newest first, and where the next page starts (nil on the last).
    package func list(tenantID: UUID, limit: Int, after: ListPosition?) async throws -> (messages: [InboundMessage], next: ListPosition?) {
        let limit = max(1, min(limit, 1000))
        let rows = try await client.query("""
            select id, request_id, from_number, to_number, text, received_at, keyword,
                   (extract(epoch from received_at) * 1000000)::int8
            from inbound_messages
            where tenant_id = \(tenantID)
              and (\(after?.id)::uuid is null or (received_at, id) <
                   (timestamptz 'epoch' + \(after?.createdMicros)::int8 * interval '1 microsecond', \(after?.id)))
            order by received_at desc, id desc
            limit \(limit + 1)
            """, logger: logger)
        var messages: [InboundMessage] = []
        for try await (id, requestID, from, to, text, receivedAt, keyword, micros) in rows.decode(
            (UUID, String, String, String, String, Date, String?, Int64).self)
        {
            messages.append(InboundMessage(
                id: id, requestID: requestID, from: from, to: to, text: text, receivedAt: receivedAt, keyword: keyword,
                position: ListPosition(createdMicros: micros, id: id)))
        }
        return messages.page(of: limit)
    }
}
