extension Migration {
    /// One-click unsubscribe: a template may be `unsubscribe` (its emails carry List-Unsubscribe and may be
    /// unsubscribed from) and have a `category` (what an unsubscribe from it covers; none: all the tenant's
    /// unsubscribable mail).
    static let m0017Unsubscribe = Migration(version: 17, name: "unsubscribe", statements: [
        "alter table templates add column category text",
        "alter table templates add column unsubscribe boolean not null default false",
    ])
}
