extension Migration {
    static let m0001Initial = Migration(version: 1, name: "initial", statements: [
        """
        create table api_keys (
            id uuid primary key,
            name text not null,
            key_hash bytea not null unique,
            created_at timestamptz not null default now(),
            revoked_at timestamptz
        )
        """,
        "create unique index api_keys_active_name on api_keys (name) where revoked_at is null",
        """
        create table templates (
            id bigserial primary key,
            name text not null,
            locale text not null default '',
            version int not null,
            channel text not null check (channel in ('email', 'sms')),
            subject text,
            text_body text not null,
            html_body text,
            created_at timestamptz not null default now(),
            unique (name, locale, version)
        )
        """,
        """
        create table recipients (
            external_id text primary key,
            email text,
            phone text,
            locale text,
            timezone text not null default 'UTC',
            preference text not null default 'immediate',
            digest_hour int,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now()
        )
        """,
        """
        create table procedures (
            id uuid primary key,
            kind text not null,
            api_key_id uuid references api_keys (id),
            created_at timestamptz not null default now()
        )
        """,
        """
        create table messages (
            id uuid primary key,
            procedure_id uuid not null references procedures (id),
            channel text not null check (channel in ('email', 'sms')),
            to_address text not null,
            to_name text,
            recipient_id text references recipients (external_id),
            template_id bigint not null references templates (id),
            locale text not null default '',
            variables jsonb not null default '{}',
            state text not null,
            send_at timestamptz not null default now(),
            published_at timestamptz,
            subject text,
            text_body text,
            html_body text,
            segments int,
            provider_id text,
            attempts int not null default 0,
            last_error text,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now()
        )
        """,
        "create index messages_procedure on messages (procedure_id)",
        // The relay's two sweeps: scheduled messages coming due, and due messages never confirmed on the broker.
        "create index messages_scheduled on messages (send_at) where state = 'scheduled'",
        "create index messages_unpublished on messages (updated_at) where state = 'queued' and published_at is null",
        """
        create table message_events (
            id bigserial primary key,
            message_id uuid not null references messages (id),
            from_state text,
            to_state text not null,
            detail text,
            at timestamptz not null default clock_timestamp()
        )
        """,
        "create index message_events_message on message_events (message_id, id)",
        """
        create table idempotency_keys (
            api_key_id uuid not null references api_keys (id),
            key text not null,
            request_hash bytea not null,
            status int not null,
            body bytea not null,
            created_at timestamptz not null default now(),
            primary key (api_key_id, key)
        )
        """,
    ])
}
