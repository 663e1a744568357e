extension Migration {
    /// SMS: a sender id per message, and the poller's working set. Polling schedules live in their own small table so
    /// that a poll which finds nothing new writes nothing to `messages` (and no event): the message row changes only
    /// when its state does.
    static let m0003SMSPolling = Migration(version: 3, name: "sms-polling", statements: [
        "alter table messages add column sender text",
        """
        create table sms_polls (
            message_id uuid primary key references messages (id),
            request_id text not null,
            sent_at timestamptz not null default now(),
            valid_until timestamptz not null,
            next_poll_at timestamptz not null,
            polls int not null default 0
        )
        """,
        "create index sms_polls_due on sms_polls (next_poll_at)",
    ])
}
