extension Migration {
    /// The job ledger gets its one name: table `outbox` becomes `job_ledger` (with its index and sequence). A view
    /// named `outbox` keeps processes of the release before this one working while a rolling upgrade replaces them
    /// (a simple view: PostgreSQL passes its inserts, updates and deletes to the table); the next release drops it.
    static let m0019JobLedgerName = Migration(version: 19, name: "job-ledger-name", statements: [
        "alter table outbox rename to job_ledger",
        "alter index outbox_due rename to job_ledger_due",
        "alter sequence outbox_id_seq rename to job_ledger_id_seq",
        "create view outbox as select * from job_ledger",
    ])
}
