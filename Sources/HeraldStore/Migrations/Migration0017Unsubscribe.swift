extension Migration {
    /// One-click unsubscribe: a template may be `unsubscribe` (its emails carry List-Unsubscribe and may be
    /// unsubscribed from) and have a `category` (what an unsubscribe from it covers; none: all the tenant's
    /// unsubscribable mail). An email template may also name its sender (`Name <local@domain>`), used when the
    /// message names none.
    static let m0017Unsubscribe = Migration(version: 17, name: "unsubscribe-template-sender", statements: [
        "alter table templates add column category text",
        "alter table templates add column unsubscribe boolean not null default false",
        "alter table templates add column sender text",
    ])
}
