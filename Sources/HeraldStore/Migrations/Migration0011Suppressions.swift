extension Migration {
    /// The suppression list, the tenants' SMS numbers and the SMS their recipients send back.
    ///
    /// - `suppressions`: per tenant and channel, an address the tenant's mail or SMS must not reach (`reason`:
    ///   `hard_bounce`, `complaint`, `unsubscribe` or `manual`; `category` '' for all of the tenant's messages, else
    ///   only that category's; `expires_at` null for good). A message to a suppressed address ends `suppressed` when it
    ///   is claimed for sending, so a suppression that arrives after acceptance still counts.
    /// - `tenant_numbers`: the numbers a tenant sends SMS from, so that a reply to one reaches that tenant alone.
    /// - `inbound_messages`: SMS received on those numbers (Tyntec's `requestId` stored once), kept like messages for
    ///   `HERALD_RETENTION_DAYS`.
    /// The callbacks trigger now calls back `suppressed` too.
    static let m0011Suppressions = Migration(version: 11, name: "suppressions-numbers-inbound", statements: [
        """
        create table suppressions (
            id uuid not null unique default gen_random_uuid(),
            tenant_id uuid not null references tenants (id) on delete cascade,
            channel text not null,
            address text not null,
            category text not null default '',
            reason text not null,
            message_id uuid,
            note text,
            created_at timestamptz not null default now(),
            expires_at timestamptz,
            primary key (tenant_id, channel, address, category)
        )
        """,
        "create index suppressions_listing on suppressions (tenant_id, created_at, id)",
        """
        create table tenant_numbers (
            number text primary key,
            tenant_id uuid not null references tenants (id) on delete cascade,
            created_at timestamptz not null default now()
        )
        """,
        """
        create table inbound_messages (
            id uuid primary key default gen_random_uuid(),
            tenant_id uuid not null references tenants (id) on delete cascade,
            request_id text not null unique,
            from_number text not null,
            to_number text not null,
            text text not null,
            received_at timestamptz not null default now(),
            keyword text
        )
        """,
        "create index inbound_messages_listing on inbound_messages (tenant_id, received_at, id)",
        """
        create or replace function herald_enqueue_callbacks() returns trigger language plpgsql as $$
        begin
            if exists (select 1 from tenants where callback_url is not null) then
                insert into callbacks (tenant_id, message_id, state, detail, at)
                select m.tenant_id, e.message_id, e.to_state, e.detail, e.at
                from new_events e
                join messages m on m.id = e.message_id
                join tenants t on t.id = m.tenant_id and t.callback_url is not null
                where e.to_state in ('sent', 'delivered', 'undeliverable', 'failed', 'dead', 'cancelled', 'suppressed');
            end if;
            return null;
        end
        $$
        """,
    ])
}
