extension Migration {
    /// Requests from `herald.intake` over their tenant's rate limit wait in `parked_requests` (not in a consumer) until
    /// the limit allows them; each tenant's are taken in the order they came (`id`). Every parked request has an
    /// idempotency key (the client's, or one made when it was parked), so one released twice is stored once.
    /// `messages.retried_at` is when a client last asked for a message to be sent again.
    static let m0010FairIntake = Migration(version: 10, name: "fair-intake-metered-retry", statements: [
        """
        create table parked_requests (
            id bigserial primary key,
            tenant_id uuid not null references tenants (id) on delete cascade,
            api_key_id uuid not null,
            idempotency_key text not null,
            body bytea not null,
            parked_at timestamptz not null default now(),
            not_before timestamptz not null default now(),
            unique (tenant_id, idempotency_key)
        )
        """,
        "create index parked_requests_tenant on parked_requests (tenant_id, id)",
        "alter table messages add column retried_at timestamptz",
    ])
}
