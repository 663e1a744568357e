extension Migration {
    /// Tenants' own sending domains, their DKIM keys and their default sender.
    ///
    /// - `tenant_domains`: a domain belongs to one tenant at most; `return_path_domain` (a subdomain whose MX is
    ///   herald-inbound) is where that domain's emails' envelope senders go instead of `HERALD_BOUNCE_DOMAIN`, so SPF
    ///   aligns with From.
    /// - `dkim_keys`: every key of a domain signs its emails (two during a rotation; RSA and Ed25519 together).
    /// - `tenants.email_sender`: `Name <local@domain>` for emails that name no `from`.
    static let m0016SendingDomains = Migration(version: 16, name: "sending-domains-dkim", statements: [
        """
        create table tenant_domains (
            domain text primary key,
            tenant_id uuid not null references tenants (id) on delete cascade,
            return_path_domain text unique,
            created_at timestamptz not null default now()
        )
        """,
        "create index tenant_domains_tenant on tenant_domains (tenant_id)",
        """
        create table dkim_keys (
            domain text not null references tenant_domains (domain) on delete cascade,
            selector text not null,
            algorithm text not null,
            private_key text not null,
            public_key text not null,
            created_at timestamptz not null default now(),
            primary key (domain, selector)
        )
        """,
        "alter table tenants add column email_sender text",
    ])
}
