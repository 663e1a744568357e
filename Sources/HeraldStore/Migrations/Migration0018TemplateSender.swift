extension Migration {
    /// An email template may name its sender (`Name <local@domain>`), used when the message names none.
    static let m0018TemplateSender = Migration(version: 18, name: "template-sender", statements: [
        "alter table templates add column sender text",
    ])
}
