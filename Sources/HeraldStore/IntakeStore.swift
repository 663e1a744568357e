package import Foundation
package import HeraldCore
package import Logging
import PostgresNIO

/// What the API accepts: procedures and their messages in one transaction with their first events (and their place
/// in the schedule, the digest queue or the job ledger), idempotency keys, and reminders.
package struct IntakeStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    package enum InsertOutcome: Sendable {
        /// Stored; the due messages' render jobs are still to be published.
        case inserted(PendingPublication?)
        /// The idempotency key was used before: here is what was answered then.
        case replay(IdempotentResponse)
    }

    /// Stores a procedure and its messages in one transaction, with the response to replay for the idempotency key.
    package func insertProcedure(
        id: UUID, kind: String, tenantID: UUID, apiKeyID: UUID?, messages: [NewMessage],
        idempotency: IdempotencyRecord?
    ) async throws -> InsertOutcome {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "insert into procedures (id, kind, api_key_id, tenant_id) values (\(id), \(kind), \(apiKeyID), \(tenantID))",
                    logger: logger)
                try await Self.insertMessages(messages, procedureID: id, tenantID: tenantID, on: connection, logger: logger)
                let publication = try await JobLedger.record(
                    messages.filter { $0.state == .queued }.map(\.id), stage: .render, on: connection, logger: logger)
                if let idempotency, let apiKeyID {
                    try await connection.query("""
                        insert into idempotency_keys (tenant_id, api_key_id, key, request_hash, status, body)
                        values (\(tenantID), \(apiKeyID), \(idempotency.key), sha256(\(ByteBuffer(bytes: idempotency.requestBody))),
                                \(idempotency.response.status), \(ByteBuffer(bytes: idempotency.response.body)))
                        """, logger: logger)
                }
                return .inserted(publication)
            }
        } catch where StoreError.isUniqueViolation(error) && idempotency != nil {
            // A concurrent request with the same key committed first.
            if let idempotency,
               let stored = try await idempotentResponse(tenantID: tenantID, key: idempotency.key, requestBody: idempotency.requestBody)
            {
                return .replay(stored)
            }
            throw error
        }
    }

    /// Inserts messages (and the deferred ones' place in `deferred_items`, the scheduled ones' in `schedule`) with
    /// their first events, inside the caller's transaction.
    static func insertMessages(
        _ messages: [NewMessage], procedureID id: UUID, tenantID: UUID, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let ids = messages.map(\.id)
        let channels = messages.map(\.channel.rawValue)
        let addresses = messages.map(\.toAddress)
        let names = NullableArray(messages.map(\.toName))
        let templates = messages.map(\.templateID)
        let locales = messages.map(\.locale)
        let variables = messages.map(\.variablesJSON)
        let states = messages.map(\.state.rawValue)
        let sendAts = messages.map(\.sendAt)
        let senders = NullableArray(messages.map(\.sender))
        let recipients = NullableArray(messages.map(\.recipientID))
        let subjects = NullableArray(messages.map { $0.rendered?.subject })
        // A message accepted with its content (a notification rendered at acceptance) has a text; others have none.
        let texts = NullableArray(messages.map { $0.rendered?.text })
        let htmls = NullableArray(messages.map { $0.rendered?.html })
        let segments = NullableArray(messages.map { $0.rendered?.segments.map(Int32.init) })
        let categories = NullableArray(messages.map(\.category))
        let reminders = NullableArray(messages.map(\.reminderKey))
        let deferredUntil = NullableArray(messages.map(\.deferredUntil))
        let references = NullableArray(messages.map(\.reference))
        let notes = NullableArray(messages.map(\.note))
        try await connection.query("""
            with input as (
                select * from unnest(\(ids)::uuid[], \(channels)::text[], \(addresses)::text[], \(names)::text[],
                                     \(templates)::int8[], \(locales)::text[], \(variables)::text[], \(states)::text[],
                                     \(sendAts)::timestamptz[], \(senders)::text[], \(recipients)::text[],
                                     \(subjects)::text[], \(texts)::text[], \(htmls)::text[], \(segments)::int4[],
                                     \(categories)::text[], \(reminders)::text[], \(deferredUntil)::timestamptz[],
                                     \(references)::text[], \(notes)::text[])
                     as i(id, channel, address, name, template, locale, variables, state, send_at, sender, recipient,
                          subject, text, html, segments, category, reminder, deferred_until, reference, note)
            ), inserted as (
                insert into messages (id, procedure_id, tenant_id, channel, to_address, to_name, template_id, locale, variables,
                                      state, send_at, sender, recipient_id, segments, category, reminder_key, reference)
                select i.id, \(id), \(tenantID), i.channel, i.address, i.name, i.template, i.locale, i.variables::jsonb,
                       i.state, i.send_at, i.sender, i.recipient, case when i.channel = 'sms' then i.segments end,
                       i.category, i.reminder, i.reference
                from input i
                returning id, state
            ), contents as (
                insert into message_contents (message_id, subject, text_body, html_body)
                select i.id, i.subject, i.text, i.html from input i where i.text is not null
            ), deferred as (
                insert into deferred_items (message_id, tenant_id, recipient_id, channel, due_at)
                select i.id, \(tenantID), i.recipient, i.channel, i.deferred_until from input i where i.state = 'deferred'
            ), scheduled as (
                insert into schedule (send_at, message_id) select i.send_at, i.id from input i where i.state = 'scheduled'
            )
            insert into message_events (message_id, to_state, detail)
            select inserted.id, inserted.state, i.note from inserted join input i on i.id = inserted.id
            """, logger: logger)
    }

    /// Cancels a reminder's messages that are still `scheduled`; returns how many.
    package func cancelReminder(key: String, tenantID: UUID) async throws -> Int {
        let rows = try await client.query("""
            with moved as (
                update messages m set state = 'cancelled', updated_at = now()
                where m.tenant_id = \(tenantID) and m.reminder_key = \(key) and m.state = 'scheduled'
                returning m.id
            )
            insert into message_events (message_id, from_state, to_state, detail)
            select id, 'scheduled', 'cancelled', 'reminder cancelled' from moved returning message_id
            """, logger: logger)
        return try await rows.decode(UUID.self).collect().count
    }

    /// How many of a reminder's messages are still `scheduled`.
    package func pendingReminders(key: String, tenantID: UUID) async throws -> Int {
        let rows = try await client.query("""
            select count(*)::int8 from messages m
            where m.tenant_id = \(tenantID) and m.reminder_key = \(key) and m.state = 'scheduled'
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// The response stored for an idempotency key, and whether it was for this same request body.
    package func idempotentResponse(tenantID: UUID, key: String, requestBody: [UInt8]) async throws -> IdempotentResponse? {
        let rows = try await client.query("""
            select status, body, request_hash = sha256(\(ByteBuffer(bytes: requestBody))) from idempotency_keys
            where tenant_id = \(tenantID) and key = \(key)
            """, logger: logger)
        for try await (status, body, same) in rows.decode((Int, ByteBuffer, Bool).self) {
            return IdempotentResponse(status: status, body: Array(body.readableBytesView), sameRequest: same)
        }
        return nil
    }

    /// Addresses of known recipients by external id, for the channel asked.
    /// Each recipient's address for the channel, with their time zone if one was given.
    package func recipientAddresses(
        _ externalIDs: [String], channel: MessageChannel, tenantID: UUID
    ) async throws -> [String: (address: String, timeZone: String?)] {
        let column = channel == .email ? "email" : "phone"
        let rows = try await client.query("""
            select external_id, \(unescaped: column), case when timezone_given then timezone end from recipients
            where tenant_id = \(tenantID) and external_id = any(\(externalIDs)) and \(unescaped: column) is not null
            """, logger: logger)
        var addresses: [String: (address: String, timeZone: String?)] = [:]
        for try await (id, address, zone) in rows.decode((String, String, String?).self) { addresses[id] = (address, zone) }
        return addresses
    }
}
