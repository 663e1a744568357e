package import Foundation
package import HeraldCore
package import Logging
import PostgresNIO

/// The pipeline's transitions: rendering, claiming, sending and retrying. Every state change is a conditional update
/// (`where state = expected`) that writes its event in the same statement, so a job handled twice changes nothing the
/// second time.
package struct PipelineStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    /// Moves the messages that are in `from` to `to`; returns those that moved.
    @discardableResult
    package func transition(
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
    package func renderInputs(_ ids: [UUID]) async throws -> [RenderInput] {
        let rows = try await client.query("""
            select m.id, m.template_id, m.channel, m.locale, m.variables::text, t.subject, t.text_body, t.html_body,
                   t.unsubscribe
            from messages m join templates t on t.id = m.template_id
            where m.id = any(\(ids)) and m.state = 'queued'
            """, logger: logger)
        var inputs: [RenderInput] = []
        for try await (id, templateID, channel, locale, variables, subject, text, html, unsubscribe) in rows.decode(
            (UUID, Int64, String, String, String, String?, String, String?, Bool).self)
        {
            inputs.append(RenderInput(
                id: id, templateID: templateID, channel: MessageChannel(rawValue: channel) ?? .email, locale: locale, variablesJSON: variables,
                subject: subject, text: text, html: html, unsubscribe: unsubscribe))
        }
        return inputs
    }

    /// Stores rendered content and moves the messages `queued` -> `rendered`, recording the send jobs of those that
    /// moved in the job ledger in the same transaction; returns the publications (one per channel) to publish.
    package func storeRendered(
        _ contents: [RenderedContent], channels: [UUID: MessageChannel]
    ) async throws -> [PendingPublication] {
        guard !contents.isEmpty else { return [] }
        let ids = contents.map(\.id)
        let subjects = NullableArray(contents.map(\.subject))
        let texts = contents.map(\.text)
        let htmls = NullableArray(contents.map(\.html))
        let segments = NullableArray(contents.map { $0.segments.map(Int32.init) })
        return try await client.withTransaction(logger: logger) { connection in
            // Each statement that moves a batch finds its rows by `id = any(...)` and looks a row's own values up by
            // position: joined to an unnest() instead, the planner (which expects few rows in the wanted state)
            // chose a scan of the whole table for every batch.
            let rows = try await connection.query("""
                with moved as (
                    update messages set state = 'rendered', updated_at = now(),
                        segments = (\(segments)::int4[])[array_position(\(ids)::uuid[], id)]
                    where id = any(\(ids)) and state = 'queued' returning id
                ), contents as (
                    -- Only a message that moved gets content, so there is never a row already (a deferred
                    -- notification sent as itself loses the content of its acceptance when it is queued).
                    insert into message_contents (message_id, subject, text_body, html_body)
                    select i.id, i.subject, i.text_body, i.html_body
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
    /// sent is not returned, so a redelivered job never sends twice. Those that ended `suppressed` instead are
    /// counted by the reason of their suppression.
    package func claimForSending(_ ids: [UUID]) async throws -> (messages: [OutgoingMessage], suppressed: [String]) {
        // A message whose address the tenant suppressed (for all its messages, or for the message's category) ends
        // `suppressed` instead, in the same statement: checked at the last moment, so a suppression that arrived
        // after acceptance counts. Both updates read the same snapshot; the second skips what the first takes.
        let rows = try await client.query("""
            with suppressed as (
                update messages m set state = 'suppressed', updated_at = now(),
                    last_error = 'the address is on the suppression list (' || s.reason || ')'
                from (
                    select distinct on (m2.id) m2.id, s2.reason
                    from messages m2 left join templates t2 on t2.id = m2.template_id
                    join suppressions s2 on s2.tenant_id = m2.tenant_id and s2.channel = m2.channel
                        and s2.address = lower(m2.to_address)
                        and (s2.category = '' or s2.category = coalesce(m2.category, t2.category))
                        and (s2.expires_at is null or s2.expires_at > now())
                        -- An email unsubscribe stops only mail one can unsubscribe from (an SMS STOP stops all SMS).
                        and (s2.reason <> 'unsubscribe' or m2.channel = 'sms' or coalesce(t2.unsubscribe, false))
                    where m2.id = any(\(ids)) and m2.state = 'rendered'
                    order by m2.id, s2.category
                ) s
                where m.id = s.id and m.state = 'rendered'
                returning m.id, s.reason
            ), suppressed_events as (
                insert into message_events (message_id, from_state, to_state, detail)
                select id, 'rendered', 'suppressed', reason from suppressed
            ), moved as (
                update messages set state = 'sending', attempts = attempts + 1, updated_at = now()
                where id = any(\(ids)) and state = 'rendered' and id not in (select id from suppressed)
                returning id, tenant_id, template_id, channel, to_address, to_name, sender, segments, attempts, created_at
            ), events as (
                insert into message_events (message_id, from_state, to_state) select id, 'rendered', 'sending' from moved
            )
            select m.id, m.channel, m.to_address, m.to_name, c.subject, c.text_body, c.html_body,
                   case when m.channel = 'email' then coalesce(m.sender, tp.sender, t.email_sender) else m.sender end,
                   m.segments, m.attempts, m.created_at, coalesce(tp.unsubscribe, false), r.reasons
            from (select coalesce(array_agg(reason), '{}') as reasons from suppressed) r
            left join moved m on true left join message_contents c on c.message_id = m.id
            left join tenants t on t.id = m.tenant_id left join templates tp on tp.id = m.template_id
            """, logger: logger)
        var claimed: [OutgoingMessage] = []
        var suppressed: [String] = []
        // One row when nothing was claimed (its message columns null), so that the suppressed are known either way.
        for try await (id, channel, address, name, subject, text, html, sender, segments, attempts, createdAt, unsubscribe, reasons) in rows.decode(
            (UUID?, String?, String?, String?, String?, String?, String?, String?, Int?, Int?, Date?, Bool, [String]).self)
        {
            suppressed = reasons
            guard let id, let channel, let address, let attempts, let createdAt else { continue }
            claimed.append(OutgoingMessage(
                id: id, channel: MessageChannel(rawValue: channel) ?? .email, toAddress: address, toName: name,
                subject: subject, text: text ?? "", html: html, sender: sender, segments: segments, attempts: attempts,
                createdAt: createdAt, unsubscribe: unsubscribe))
        }
        return (claimed, suppressed)
    }

    /// `sending` -> `sent` with the provider's id for each message.
    package func markSent(_ results: [(id: UUID, providerID: String)], polling: SMSPolling? = nil) async throws {
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

    /// Gives a message back for another attempt after a transient failure (`sending` -> `rendered`), and returns
    /// the attempts it has had since it was last brought back from `dead` or `failed` (a replay or a client's retry
    /// starts a round of its own).
    package func releaseForRetry(_ id: UUID, error: String) async throws -> Int {
        let rows = try await client.query("""
            with moved as (
                update messages set state = 'rendered', last_error = \(error), updated_at = now()
                where id = \(id) and state = 'sending' returning id
            ), events as (
                insert into message_events (message_id, from_state, to_state, detail)
                select id, 'sending', 'rendered', \(error) from moved
            )
            select count(*)::int from message_events e
            where e.message_id = \(id) and e.to_state = 'sending' and e.id > coalesce((
                select max(r.id) from message_events r where r.message_id = \(id) and r.from_state in ('dead', 'failed')), 0)
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Current state and channel of each message that exists.
    package func states(_ ids: [UUID]) async throws -> [UUID: (state: MessageState, channel: MessageChannel)] {
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
}
