extension Migration {
    /// Tenants: the applications one fleet serves. Keys, templates, recipients, procedures, messages, deferred items,
    /// idempotency keys and callbacks belong to one; what existed moves into tenant `default`. Columns are added with
    /// a constant default (no table rewrite), which is then dropped so that every insert names its tenant.
    ///
    /// Delivery-status callbacks are queued by a trigger on `message_events`: every statement that records a message
    /// reaching `sent`, `delivered`, `undeliverable`, `failed`, `dead` or `cancelled` adds the callbacks in the same
    /// transaction, so no path that changes a state can forget one, and a crash after the commit loses none.
    /// `callbacks` is their ledger: a row stays until the receiver took it (deleted) or it died (`dead_at`); `due_at`
    /// is when a sender publishes it again if nobody settled it.
    static let m0008Tenants = Migration(version: 8, name: "tenants-references-callbacks", statements: [
        """
        create table tenants (
            id uuid primary key,
            name text not null unique,
            rate_per_minute int not null default 3000 check (rate_per_minute > 0),
            burst int not null default 1000 check (burst > 0),
            default_locale text,
            callback_url text,
            callback_secret text,
            created_at timestamptz not null default now()
        )
        """,
        "insert into tenants (id, name) values ('\(defaultTenant)', 'default')",
        """
        create table rate_buckets (
            tenant_id uuid primary key references tenants (id),
            tokens float8 not null,
            at timestamptz not null
        )
        """,
        "alter table api_keys add column tenant_id uuid not null default '\(defaultTenant)' references tenants (id)",
        "drop index api_keys_active_name",
        "create unique index api_keys_active_name on api_keys (tenant_id, name) where revoked_at is null",

        "alter table templates add column tenant_id uuid not null default '\(defaultTenant)'",
        "alter table templates drop constraint templates_name_locale_version_key",
        "alter table templates add unique (tenant_id, name, locale, version)",

        "alter table messages drop constraint if exists messages_recipient_id_fkey",
        "alter table deferred_items drop constraint if exists deferred_items_recipient_id_fkey",
        "alter table recipients add column tenant_id uuid not null default '\(defaultTenant)'",
        "alter table recipients drop constraint recipients_pkey",
        "alter table recipients add primary key (tenant_id, external_id)",
        "alter table deferred_items add column tenant_id uuid not null default '\(defaultTenant)'",
        "drop index deferred_items_recipient",
        "create index deferred_items_recipient on deferred_items (tenant_id, recipient_id, due_at)",

        "alter table procedures add column tenant_id uuid not null default '\(defaultTenant)'",
        "alter table messages add column tenant_id uuid not null default '\(defaultTenant)'",
        "alter table messages add column reference text",
        // Listing newest first, and by reference; neither column changes after the insert, so transitions stay HOT.
        "create index messages_listing on messages (tenant_id, created_at desc, id desc)",
        "create index messages_reference on messages (tenant_id, reference, created_at desc, id desc) where reference is not null",
        "drop index messages_reminder",
        "create index messages_reminder on messages (tenant_id, reminder_key) where reminder_key is not null",

        "alter table idempotency_keys add column tenant_id uuid not null default '\(defaultTenant)'",
        "alter table idempotency_keys drop constraint idempotency_keys_pkey",
        "alter table idempotency_keys add primary key (tenant_id, key)",

        """
        create table callbacks (
            id uuid primary key default gen_random_uuid(),
            tenant_id uuid not null,
            message_id uuid not null,
            state text not null,
            detail text,
            at timestamptz not null,
            due_at timestamptz not null default now(),
            attempts int not null default 0,
            last_error text,
            dead_at timestamptz
        )
        """,
        "create index callbacks_due on callbacks (due_at) where dead_at is null",
        """
        create function herald_enqueue_callbacks() returns trigger language plpgsql as $$
        begin
            if exists (select 1 from tenants where callback_url is not null) then
                insert into callbacks (tenant_id, message_id, state, detail, at)
                select m.tenant_id, e.message_id, e.to_state, e.detail, e.at
                from new_events e
                join messages m on m.id = e.message_id
                join tenants t on t.id = m.tenant_id and t.callback_url is not null
                where e.to_state in ('sent', 'delivered', 'undeliverable', 'failed', 'dead', 'cancelled');
            end if;
            return null;
        end
        $$
        """,
        """
        create trigger message_events_callbacks after insert on message_events
        referencing new table as new_events for each statement execute function herald_enqueue_callbacks()
        """,
    ] + ["api_keys", "templates", "recipients", "deferred_items", "procedures", "messages", "idempotency_keys"].map {
        "alter table \($0) alter column tenant_id drop default"
    })

    /// Tenant `default`, which the migration creates and keys made without a tenant belong to.
    package static let defaultTenant = "00000000-0000-0000-0000-000000000001"
}
