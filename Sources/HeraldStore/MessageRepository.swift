import Foundation
import HeraldCore
import Logging
import PostgresNIO

/// Procedures, messages and their events. Every state change is a conditional update (`where state = expected`) that
/// writes its event in the same statement, so a job handled twice changes nothing the second time.
public struct MessageRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    // MARK: Accepting

    public enum InsertOutcome: Sendable {
        /// Stored; the due messages' render jobs are still to be published.
        case inserted(PendingPublication?)
        /// The idempotency key was used before: here is what was answered then.
        case replay(IdempotentResponse)
    }

    /// Stores a procedure and its messages in one transaction, with the response to replay for the idempotency key.
    public func insertProcedure(
        id: UUID, kind: String, apiKeyID: UUID?, messages: [NewMessage],
        idempotency: IdempotencyRecord?
    ) async throws -> InsertOutcome {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "insert into procedures (id, kind, api_key_id) values (\(id), \(kind), \(apiKeyID))", logger: logger)
                try await Self.insertMessages(messages, procedureID: id, on: connection, logger: logger)
                let publication = try await JobLedger.record(
                    messages.filter { $0.state == .queued }.map(\.id), stage: .render, on: connection, logger: logger)
                if let idempotency, let apiKeyID {
                    try await connection.query("""
                        insert into idempotency_keys (api_key_id, key, request_hash, status, body)
                        values (\(apiKeyID), \(idempotency.key), sha256(\(ByteBuffer(bytes: idempotency.requestBody))),
                                \(idempotency.response.status), \(ByteBuffer(bytes: idempotency.response.body)))
                        """, logger: logger)
                }
                return .inserted(publication)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" && idempotency != nil {
            // A concurrent request with the same key committed first.
            if let apiKeyID, let idempotency,
               let stored = try await idempotentResponse(apiKeyID: apiKeyID, key: idempotency.key, requestBody: idempotency.requestBody)
            {
                return .replay(stored)
            }
            throw error
        }
    }

    /// Inserts messages (and the deferred ones' place in `deferred_items`, the scheduled ones' in `schedule`) with
    /// their first events, inside the caller's transaction.
    static func insertMessages(
        _ messages: [NewMessage], procedureID id: UUID, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let ids = messages.map(\.id)
        let channels = messages.map(\.channel.rawValue)
        let addresses = messages.map(\.toAddress)
        let names = messages.map { $0.toName ?? "" }
        let templates = messages.map(\.templateID)
        let locales = messages.map(\.locale)
        let variables = messages.map(\.variablesJSON)
        let states = messages.map(\.state.rawValue)
        let sendAts = messages.map(\.sendAt)
        let senders = messages.map { $0.sender ?? "" }
        let recipients = messages.map { $0.recipientID ?? "" }
        let subjects = messages.map { $0.rendered?.subject ?? "" }
        let texts = messages.map { $0.rendered?.text ?? "" }
        let htmls = messages.map { $0.rendered?.html ?? "" }
        let segments = messages.map { $0.rendered?.segments ?? 0 }
        let hasContent = messages.map { $0.rendered != nil }
        let categories = messages.map { $0.category ?? "" }
        let reminders = messages.map { $0.reminderKey ?? "" }
        let deferredUntil = messages.map { $0.deferredUntil ?? Date(timeIntervalSince1970: 0) }
        try await connection.query("""
            with input as (
                select * from unnest(\(ids)::uuid[], \(channels)::text[], \(addresses)::text[], \(names)::text[],
                                     \(templates)::int8[], \(locales)::text[], \(variables)::text[], \(states)::text[],
                                     \(sendAts)::timestamptz[], \(senders)::text[], \(recipients)::text[],
                                     \(subjects)::text[], \(texts)::text[], \(htmls)::text[], \(segments)::int4[],
                                     \(hasContent)::bool[], \(categories)::text[], \(reminders)::text[],
                                     \(deferredUntil)::timestamptz[])
                     as i(id, channel, address, name, template, locale, variables, state, send_at, sender, recipient,
                          subject, text, html, segments, has_content, category, reminder, deferred_until)
            ), inserted as (
                insert into messages (id, procedure_id, channel, to_address, to_name, template_id, locale, variables,
                                      state, send_at, sender, recipient_id, segments, category, reminder_key)
                select i.id, \(id), i.channel, i.address, nullif(i.name, ''), i.template, i.locale, i.variables::jsonb,
                       i.state, i.send_at, nullif(i.sender, ''), nullif(i.recipient, ''),
                       case when i.has_content and i.channel = 'sms' then i.segments end,
                       nullif(i.category, ''), nullif(i.reminder, '')
                from input i
                returning id, state
            ), contents as (
                insert into message_contents (message_id, subject, text_body, html_body)
                select i.id, nullif(i.subject, ''), i.text, nullif(i.html, '') from input i where i.has_content
            ), deferred as (
                insert into deferred_items (message_id, recipient_id, channel, due_at)
                select i.id, i.recipient, i.channel, i.deferred_until from input i where i.state = 'deferred'
            ), scheduled as (
                insert into schedule (send_at, message_id) select i.send_at, i.id from input i where i.state = 'scheduled'
            )
            insert into message_events (message_id, to_state) select id, state from inserted
            """, logger: logger)
    }

    // MARK: Reminders

    /// Cancels a reminder's messages that are still `scheduled`; returns how many.
    public func cancelReminder(key: String, apiKeyID: UUID?) async throws -> Int {
        let rows = try await client.query("""
            with moved as (
                update messages m set state = 'cancelled', updated_at = now()
                from procedures p
                where m.reminder_key = \(key) and m.state = 'scheduled' and p.id = m.procedure_id
                  and p.api_key_id is not distinct from \(apiKeyID)
                returning m.id
            )
            insert into message_events (message_id, from_state, to_state, detail)
            select id, 'scheduled', 'cancelled', 'reminder cancelled' from moved returning message_id
            """, logger: logger)
        return try await rows.decode(UUID.self).collect().count
    }

    /// How many of a reminder's messages are still `scheduled`.
    public func pendingReminders(key: String, apiKeyID: UUID?) async throws -> Int {
        let rows = try await client.query("""
            select count(*)::int8 from messages m join procedures p on p.id = m.procedure_id
            where m.reminder_key = \(key) and m.state = 'scheduled' and p.api_key_id is not distinct from \(apiKeyID)
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// The response stored for an idempotency key, and whether it was for this same request body.
    public func idempotentResponse(apiKeyID: UUID, key: String, requestBody: [UInt8]) async throws -> IdempotentResponse? {
        let rows = try await client.query("""
            select status, body, request_hash = sha256(\(ByteBuffer(bytes: requestBody))) from idempotency_keys
            where api_key_id = \(apiKeyID) and key = \(key)
            """, logger: logger)
        for try await (status, body, same) in rows.decode((Int, ByteBuffer, Bool).self) {
            return IdempotentResponse(status: status, body: Array(body.readableBytesView), sameRequest: same)
        }
        return nil
    }

    /// Addresses of known recipients by external id, for the channel asked.
    public func recipientAddresses(_ externalIDs: [String], channel: MessageChannel) async throws -> [String: String] {
        let column = channel == .email ? "email" : "phone"
        let rows = try await client.query("""
            select external_id, \(unescaped: column) from recipients
            where external_id = any(\(externalIDs)) and \(unescaped: column) is not null
            """, logger: logger)
        var addresses: [String: String] = [:]
        for try await (id, address) in rows.decode((String, String).self) { addresses[id] = address }
        return addresses
    }

    // MARK: Transitions

    /// Moves the messages that are in `from` to `to`; returns those that moved.
    @discardableResult
    public func transition(
        _ ids: [UUID], from: MessageState, to: MessageState, detail: String? = nil
    ) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        return try await client.withConnection { connection in
            try await Self.transition(ids, from: from, to: to, detail: detail, on: connection, logger: logger)
        }
    }

    /// A conditional transition with its events, on the caller's connection (or in its transaction).
    static func transition(
        _ ids: [UUID], from: MessageState, to: MessageState, detail: String?, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        let lastError = to == .failed || to == .dead ? detail : nil
        let rows = try await connection.query("""
            with moved as (
                update messages set state = \(to.rawValue), updated_at = now(), last_error = coalesce(\(lastError), last_error)
                where id = any(\(ids)) and state = \(from.rawValue) returning id
            )
            insert into message_events (message_id, from_state, to_state, detail)
            select id, \(from.rawValue), \(to.rawValue), \(detail) from moved returning message_id
            """, logger: logger)
        return try await rows.decode(UUID.self).collect()
    }

    /// Queued messages with their pinned template, for rendering. Messages in any other state are left out.
    public func renderInputs(_ ids: [UUID]) async throws -> [RenderInput] {
        let rows = try await client.query("""
            select m.id, m.template_id, m.channel, m.locale, m.variables::text, t.subject, t.text_body, t.html_body
            from messages m join templates t on t.id = m.template_id
            where m.id = any(\(ids)) and m.state = 'queued'
            """, logger: logger)
        var inputs: [RenderInput] = []
        for try await (id, templateID, channel, locale, variables, subject, text, html) in rows.decode(
            (UUID, Int64, String, String, String, String?, String, String?).self)
        {
            inputs.append(RenderInput(
                id: id, templateID: templateID, channel: MessageChannel(rawValue: channel) ?? .email, locale: locale, variablesJSON: variables,
                subject: subject, text: text, html: html))
        }
        return inputs
    }

    /// Stores rendered content and moves the messages `queued` -> `rendered`, recording the send jobs of those that
    /// moved in the job ledger in the same transaction; returns the publications (one per channel) to publish.
    public func storeRendered(
        _ contents: [RenderedContent], channels: [UUID: MessageChannel]
    ) async throws -> [PendingPublication] {
        guard !contents.isEmpty else { return [] }
        let ids = contents.map(\.id)
        let subjects = contents.map { $0.subject ?? "" }
        let texts = contents.map(\.text)
        let htmls = contents.map { $0.html ?? "" }
        let segments = contents.map { $0.segments ?? 0 }
        return try await client.withTransaction(logger: logger) { connection in
            // Each statement that moves a batch finds its rows by `id = any(...)` and looks a row's own values up by
            // position: joined to an unnest() instead, the planner (which expects few rows in the wanted state)
            // chose a scan of the whole table for every batch.
            let rows = try await connection.query("""
                with moved as (
                    update messages set state = 'rendered', updated_at = now(),
                        segments = nullif((\(segments)::int4[])[array_position(\(ids)::uuid[], id)], 0)
                    where id = any(\(ids)) and state = 'queued' returning id
                ), contents as (
                    -- Only a message that moved gets content, so there is never a row already (a deferred
                    -- notification sent as itself loses the content of its acceptance when it is queued).
                    insert into message_contents (message_id, subject, text_body, html_body)
                    select i.id, nullif(i.subject, ''), i.text_body, nullif(i.html_body, '')
                    from unnest(\(ids)::uuid[], \(subjects)::text[], \(texts)::text[], \(htmls)::text[]) as i(id, subject, text_body, html_body)
                    join moved m on m.id = i.id
                )
                insert into message_events (message_id, from_state, to_state) select id, 'queued', 'rendered' from moved
                returning message_id
                """, logger: logger)
            let moved = try await rows.decode(UUID.self).collect()
            var publications: [PendingPublication] = []
            for (channel, ids) in Dictionary(grouping: moved, by: { channels[$0] ?? .email }) {
                if let publication = try await JobLedger.record(ids, stage: .send(channel), on: connection, logger: logger) {
                    publications.append(publication)
                }
            }
            return publications
        }
    }

    /// Claims rendered messages for sending (`rendered` -> `sending`, one more attempt). A message already claimed or
    /// sent is not returned, so a redelivered job never sends twice.
    public func claimForSending(_ ids: [UUID]) async throws -> [OutgoingMessage] {
        let rows = try await client.query("""
            with moved as (
                update messages set state = 'sending', attempts = attempts + 1, updated_at = now()
                where id = any(\(ids)) and state = 'rendered'
                returning id, channel, to_address, to_name, sender, segments, attempts, created_at
            ), events as (
                insert into message_events (message_id, from_state, to_state) select id, 'rendered', 'sending' from moved
            )
            select m.id, m.channel, m.to_address, m.to_name, c.subject, c.text_body, c.html_body, m.sender, m.segments,
                   m.attempts, m.created_at
            from moved m left join message_contents c on c.message_id = m.id
            """, logger: logger)
        var claimed: [OutgoingMessage] = []
        for try await (id, channel, address, name, subject, text, html, sender, segments, attempts, createdAt) in rows.decode(
            (UUID, String, String, String?, String?, String?, String?, String?, Int?, Int, Date).self)
        {
            claimed.append(OutgoingMessage(
                id: id, channel: MessageChannel(rawValue: channel) ?? .email, toAddress: address, toName: name,
                subject: subject, text: text ?? "", html: html, sender: sender, segments: segments, attempts: attempts,
                createdAt: createdAt))
        }
        return claimed
    }

    /// `sending` -> `sent` with the provider's id for each message.
    public func markSent(_ results: [(id: UUID, providerID: String)], polling: SMSPolling? = nil) async throws {
        guard !results.isEmpty else { return }
        let ids = results.map(\.id)
        let providerIDs = results.map(\.providerID)
        // SMS go on to the poller's schedule in the same statement, so no sent SMS is ever left unpolled.
        let firstPoll = polling.map { $0.firstPoll.inSeconds } ?? 0
        let validity = polling.map { $0.validity.inSeconds } ?? 0
        try await client.query("""
            with moved as (
                update messages set state = 'sent', updated_at = now(),
                    provider_id = (\(providerIDs)::text[])[array_position(\(ids)::uuid[], id)]
                where id = any(\(ids)) and state = 'sending' returning id, provider_id
            ), polls as (
                insert into sms_polls (message_id, request_id, valid_until, next_poll_at)
                select id, provider_id, now() + make_interval(secs => \(validity)), now() + make_interval(secs => \(firstPoll))
                from moved where \(polling != nil)
                on conflict (message_id) do nothing
            )
            insert into message_events (message_id, from_state, to_state, detail)
            select id, 'sending', 'sent', provider_id from moved
            """, logger: logger)
    }

    /// Gives a message back for another attempt after a transient failure (`sending` -> `rendered`).
    public func releaseForRetry(_ id: UUID, error: String) async throws {
        try await client.query("""
            with moved as (
                update messages set state = 'rendered', last_error = \(error), updated_at = now()
                where id = \(id) and state = 'sending' returning id
            )
            insert into message_events (message_id, from_state, to_state, detail)
            select id, 'sending', 'rendered', \(error) from moved
            """, logger: logger)
    }

    // MARK: Relay

    /// Moves up to `limit` due scheduled messages to `queued` (those cancelled meanwhile stay as they are). Returns
    /// how many entries of the schedule came due, and the publication of the messages that moved.
    public func releaseDue(limit: Int) async throws -> (due: Int, publication: PendingPublication?) {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                with due as (
                    delete from schedule where (send_at, message_id) in (
                        select send_at, message_id from schedule where send_at <= now()
                        order by send_at limit \(limit) for update skip locked
                    )
                    returning message_id
                ), moved as (
                    update messages m set state = 'queued', updated_at = now()
                    from due where m.id = due.message_id and m.state = 'scheduled' returning m.id
                ), events as (
                    insert into message_events (message_id, from_state, to_state) select id, 'scheduled', 'queued' from moved
                )
                select (select count(*) from due)::int8, coalesce((select array_agg(id) from moved), '{}')
                """, logger: logger)
            for try await (due, moved) in rows.decode((Int, [UUID]).self) {
                return (due, try await JobLedger.record(moved, stage: .render, on: connection, logger: logger))
            }
            return (0, nil)
        }
    }

    // MARK: Reading

    /// Current state and channel of each message that exists.
    public func states(_ ids: [UUID]) async throws -> [UUID: (state: MessageState, channel: MessageChannel)] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await client.query("select id, state, channel from messages where id = any(\(ids))", logger: logger)
        var states: [UUID: (MessageState, MessageChannel)] = [:]
        for try await (id, state, channel) in rows.decode((UUID, String, String).self) {
            if let state = MessageState(rawValue: state), let channel = MessageChannel(rawValue: channel) {
                states[id] = (state, channel)
            }
        }
        return states
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

    /// Messages per state, for operators.
    public func countsByState() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let rows = try await client.query("select state, count(*)::int8 from messages group by state", logger: logger)
        for try await (state, count) in rows.decode((String, Int).self) { counts[state] = count }
        return counts
    }
}

extension AsyncSequence where Self: Sendable {
    func collect() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
