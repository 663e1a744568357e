extension Migration {
    /// An inbound SMS is called back to its tenant like a state change: a `callbacks` row names the inbound message
    /// (`inbound_id`) instead of a message, with state `inbound`.
    static let m0012InboundCallbacks = Migration(version: 12, name: "inbound-callbacks", statements: [
        "alter table callbacks alter column message_id drop not null",
        "alter table callbacks add column inbound_id uuid",
        """
        alter table callbacks add constraint callbacks_names_one
            check ((message_id is null) <> (inbound_id is null))
        """,
    ])
}
