extension Migration {
    /// Delivery preferences, deferred notifications and digests, reminders. `recipients.preference` is the email
    /// preference; SMS has its own; the digest hour and weekday are the recipient's. Deferred notifications wait in
    /// `deferred_items` (the aggregator's working set, emptied as digests go out), so `messages` keeps no index on
    /// anything a transition changes.
    static let m0004Preferences = Migration(version: 4, name: "preferences-digests-reminders", statements: [
        "alter table recipients add column sms_preference text not null default 'immediate'",
        "update recipients set digest_hour = 8 where digest_hour is null",
        "alter table recipients alter column digest_hour set default 8, alter column digest_hour set not null",
        "alter table recipients add column digest_weekday int not null default 1",
        "alter table messages add column category text",
        "alter table messages add column digest_id uuid references messages (id)",
        "alter table messages add column reminder_key text",
        "create index messages_reminder on messages (reminder_key) where reminder_key is not null",
        """
        create table deferred_items (
            message_id uuid primary key references messages (id),
            recipient_id text not null references recipients (external_id),
            channel text not null,
            due_at timestamptz not null
        )
        """,
        // Which recipients are due, and then all of one recipient's due items.
        "create index deferred_items_due on deferred_items (due_at)",
        "create index deferred_items_recipient on deferred_items (recipient_id, due_at)",
    ])
}
