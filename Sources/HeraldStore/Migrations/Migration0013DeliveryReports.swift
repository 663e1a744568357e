extension Migration {
    /// Delivery reports pushed by Tyntec: `buffered_at` marks the one `BUFFERED` a message may record (a duplicate
    /// finds it set), and an event that keeps the state (`sent` -> `sent`, a report on the way) is no callback.
    static let m0013DeliveryReports = Migration(version: 13, name: "delivery-reports", statements: [
        "alter table sms_polls add column buffered_at timestamptz",
        """
        create or replace function herald_enqueue_callbacks() returns trigger language plpgsql as $$
        begin
            if exists (select 1 from tenants where callback_url is not null) then
                insert into callbacks (tenant_id, message_id, state, detail, at)
                select m.tenant_id, e.message_id, e.to_state, e.detail, e.at
                from new_events e
                join messages m on m.id = e.message_id
                join tenants t on t.id = m.tenant_id and t.callback_url is not null
                where e.to_state in ('sent', 'delivered', 'undeliverable', 'failed', 'dead', 'cancelled', 'suppressed')
                    and e.from_state is distinct from e.to_state;
            end if;
            return null;
        end
        $$
        """,
    ])
}
