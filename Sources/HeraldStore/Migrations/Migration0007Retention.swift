extension Migration {
    /// Retention: messages whose personal data is erased are marked, and the two sweeps find their rows by
    /// `created_at`, which no transition changes (so transitions stay HOT updates). A digest item's link to its
    /// digest loses its foreign key: with no index on `digest_id`, each deleted message would scan the table.
    static let m0007Retention = Migration(version: 7, name: "retention", statements: [
        "alter table messages add column erased_at timestamptz",
        "create index messages_unerased on messages (created_at) where erased_at is null",
        "create index messages_erased on messages (created_at) where erased_at is not null",
        "alter table messages drop constraint if exists messages_digest_id_fkey",
        "create index idempotency_keys_created on idempotency_keys (created_at)",
    ])
}
