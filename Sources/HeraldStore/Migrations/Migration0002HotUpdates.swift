extension Migration {
    /// Lets state transitions be HOT updates (no index writes): no index may cover `state` or `updated_at`, which
    /// every transition changes, and pages keep room for the new row versions. The relay's sweeps use one partial
    /// index over the few rows not yet published.
    static let m0002HotUpdates = Migration(version: 2, name: "hot-updates", statements: [
        "drop index messages_scheduled",
        "drop index messages_unpublished",
        "create index messages_unpublished_by_send_at on messages (send_at) where published_at is null",
        "alter table messages set (fillfactor = 70)",
    ])
}
