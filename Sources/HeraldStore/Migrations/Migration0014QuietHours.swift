extension Migration {
    /// Tenants' quiet hours per channel (minutes after midnight in the recipient's zone), and whether a recipient's
    /// time zone was given (the default, UTC, holds nothing).
    static let m0014QuietHours = Migration(version: 14, name: "quiet-hours", statements: [
        """
        create table quiet_hours (
            tenant_id uuid not null references tenants (id) on delete cascade,
            channel text not null,
            start_minute int not null check (start_minute between 0 and 1439),
            end_minute int not null check (end_minute between 0 and 1439),
            primary key (tenant_id, channel)
        )
        """,
        "alter table recipients add column timezone_given boolean not null default false",
    ])
}
