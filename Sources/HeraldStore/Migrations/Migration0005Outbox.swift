extension Migration {
    /// Takes work off every message's way through the database.
    ///
    /// - Publication is recorded in `outbox`: one row per batch of due messages (a request, a relay release, a
    ///   digest round), written in the transaction that queues them and deleted once the broker confirmed their
    ///   jobs. What the relay finds there after a grace period was never confirmed. Messages no longer carry
    ///   `published_at`, whose update could never be HOT because a partial index's predicate read it.
    /// - Scheduled messages wait in `schedule`, so that finding the due ones needs no index on `messages`.
    /// - Foreign keys that Herald's own statements already guarantee are dropped: a message's procedure is inserted
    ///   in the same transaction, its template is resolved first and templates are never deleted, and an event is
    ///   written by the very statement that inserts or moves its message. Each check cost a query per row, and the
    ///   one on templates locked the same template row from every concurrent request.
    /// - Events lose their primary key, which nothing reads: `(message_id, id)` orders a message's history.
    /// - Rendered content moves to `message_contents`, written once by the renderer. A `messages` row stays a few
    ///   hundred bytes, so the transitions after rendering (claim, sent, delivered) are HOT updates that fit on the
    ///   row's page, instead of copying kilobytes of bodies to another page and into every index.
    static let m0005Outbox = Migration(version: 5, name: "outbox-schedule-contents", statements: [
        """
        create table outbox (
            id bigserial primary key,
            message_ids uuid[] not null,
            created_at timestamptz not null default now()
        )
        """,
        """
        insert into outbox (message_ids)
        select array_agg(id) from messages where state = 'queued' and published_at is null having count(*) > 0
        """,
        """
        create table schedule (
            send_at timestamptz not null,
            message_id uuid not null,
            primary key (send_at, message_id)
        )
        """,
        "insert into schedule (send_at, message_id) select send_at, id from messages where state = 'scheduled'",
        "drop index messages_unpublished_by_send_at",
        "alter table messages drop column published_at",
        "alter table messages drop constraint messages_procedure_id_fkey",
        "alter table messages drop constraint messages_template_id_fkey",
        "alter table message_events drop constraint message_events_message_id_fkey",
        "alter table message_events drop constraint message_events_pkey",
        """
        create table message_contents (
            message_id uuid primary key,
            subject text,
            text_body text not null,
            html_body text
        )
        """,
        """
        insert into message_contents (message_id, subject, text_body, html_body)
        select id, subject, text_body, html_body from messages where text_body is not null
        """,
        "alter table messages drop column subject, drop column text_body, drop column html_body",
        "alter table messages set (fillfactor = 50)",
    ])
}
