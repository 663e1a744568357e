extension Migration {
    /// The outbox becomes the ledger of jobs in flight: a row stands for the jobs of a batch of messages from the
    /// commit that queued them until their consumer is done with every message (or the sweeper finds the row past
    /// its deadline). `stage` says which queue the jobs go to; `confirmed` that the broker took them; `due_at` when
    /// the sweeper looks at the row's messages again if nobody settled it.
    static let m0006JobLedger = Migration(version: 6, name: "job-ledger", statements: [
        """
        alter table outbox add column stage text not null default 'render',
            add column confirmed boolean not null default false,
            add column due_at timestamptz not null default now()
        """,
        "update outbox set due_at = created_at",
        "create index outbox_due on outbox (due_at)",
    ])
}
