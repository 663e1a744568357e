extension Migration {
    /// Operator keys: a key marked `operator` may also act on the whole fleet (the dead letters of every tenant);
    /// every other key acts for its tenant alone. Existing keys stay tenant keys: an operator key is made on purpose.
    static let m0009OperatorKeys = Migration(version: 9, name: "operator-keys", statements: [
        "alter table api_keys add column operator boolean not null default false",
    ])
}
