extension Migration {
    /// What comes back after an email is sent: `bounced` and `complained` are called back like the other final states,
    /// and `inbound_reports` remembers each report herald-inbound applied (by message, kind and a digest of what it
    /// said), so a report handed over again (the MTA got no answer before a crash) changes nothing twice.
    static let m0015Bounces = Migration(version: 15, name: "bounces-complaints", statements: [
        """
        create or replace function herald_enqueue_callbacks() returns trigger language plpgsql as $$
        begin
            if exists (select 1 from tenants where callback_url is not null) then
                insert into callbacks (tenant_id, message_id, state, detail, at)
                select m.tenant_id, e.message_id, e.to_state, e.detail, e.at
                from new_events e
                join messages m on m.id = e.message_id
                join tenants t on t.id = m.tenant_id and t.callback_url is not null
                where e.to_state in ('sent', 'delivered', 'undeliverable', 'failed', 'dead', 'cancelled', 'suppressed',
                                     'bounced', 'complained')
                    and e.from_state is distinct from e.to_state;
            end if;
            return null;
        end
        $$
        """,
        """
        create table inbound_reports (
            message_id uuid not null references messages (id) on delete cascade,
            kind text not null,
            digest text not null,
            at timestamptz not null default now(),
            primary key (message_id, kind, digest)
        )
        """,
    ])
}
