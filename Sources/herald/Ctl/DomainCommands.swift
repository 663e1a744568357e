import ArgumentParser
import HeraldCore
import HeraldProviders
import HeraldRuntime
import HeraldStore

/// `herald ctl domains`: the domains a tenant sends email from.
struct Domains: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A tenant's sending domains: its emails may name a From there, signed by the domain's DKIM keys.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a tenant a sending domain (one tenant per domain).")
        @Argument(help: "The tenant's name.") var tenant: String
        @Argument(help: "The domain, such as acme.com.") var domain: String
        @Option(name: .customLong("return-path-domain"), help: """
            A subdomain (such as bounces.acme.com) whose MX is herald-inbound: the domain's emails' envelope senders \
            go there instead of HERALD_BOUNCE_DOMAIN, so SPF aligns with From.
            """)
        var returnPathDomain: String?
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    try await SendingDomainStore(database: database, logger: tool.logger)
                        .addDomain(domain, returnPathDomain: returnPathDomain, tenant: tenant)
                    print("\(domain.lowercased())\t\(tenant)" + (returnPathDomain.map { "\treturn-path \($0.lowercased())" } ?? ""))
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's domains with their DKIM keys' DNS records.")
        @Argument(help: "The tenant's name.") var tenant: String
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    for domain in try await SendingDomainStore(database: database, logger: tool.logger).domains(tenant: tenant) {
                        print(domain.domain + (domain.returnPathDomain.map { "\treturn-path \($0)" } ?? ""))
                        for key in domain.keys { print("  " + DKIM.record(domain.domain, key)) }
                    }
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a domain (and its DKIM keys) from a tenant.")
        @Argument(help: "The tenant's name.") var tenant: String
        @Argument(help: "The domain.") var domain: String
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    guard try await SendingDomainStore(database: database, logger: tool.logger).removeDomain(domain, tenant: tenant) else {
                        throw StoreError(.notFound, "'\(domain)' is not a domain of tenant '\(tenant)'")
                    }
                }
            }
        }
    }
}

/// `herald ctl dkim`: a tenant's domains' signing keys. Private keys stay in the database; what is printed is the
/// public key's DNS record.
struct DKIM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim",
        abstract: "DKIM keys of a tenant's domains: every key of a From domain signs its emails.",
        subcommands: [Create.self, List.self, Rotate.self, Remove.self])

    static func record(_ domain: String, _ key: SendingDomain.Key) -> String {
        let algorithm = DKIMKey.Algorithm(rawValue: key.algorithm) ?? .rsaSHA256
        return DKIMKey.dnsRecord(domain: domain, selector: key.selector, algorithm: algorithm, publicKey: key.publicKey)
    }

    static func checkSelector(_ selector: String) throws {
        guard !selector.isEmpty, selector.count <= 63,
              selector.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw ValidationError("the selector must be 1-63 letters, digits, '-' or '_'") }
    }

    /// Makes a key, stores it, and prints its DNS record as the last line.
    static func create(_ tool: Tool, tenant: String, domain: String, selector: String, algorithm: DKIMKey.Algorithm) async throws {
        let pair = try DKIMKey.generate(algorithm)
        try await tool.withDatabase { database in
            try await SendingDomainStore(database: database, logger: tool.logger).addKey(
                domain: domain, selector: selector, algorithm: algorithm.rawValue, privateKey: pair.privateKey,
                publicKey: pair.publicKey, tenant: tenant)
        }
        print("Publish this TXT record; mail from \(domain.lowercased()) is signed with the key from now on:")
        print(DKIMKey.dnsRecord(domain: domain.lowercased(), selector: selector, algorithm: algorithm, publicKey: pair.publicKey))
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a key for a tenant's domain; prints the DNS record to publish.")
        @Argument(help: "The tenant's name.") var tenant: String
        @Argument(help: "The domain (one of the tenant's).") var domain: String
        @Option(help: "The selector: the record's name is SELECTOR._domainkey.DOMAIN.") var selector: String
        @Option(help: "rsa-sha256 (2048 bits) or ed25519-sha256 (RFC 8463).") var algorithm: String = "rsa-sha256"
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try DKIM.checkSelector(selector)
            guard let chosen = DKIMKey.Algorithm(rawValue: algorithm) else {
                throw ValidationError("--algorithm must be rsa-sha256 or ed25519-sha256, got '\(algorithm)'")
            }
            try await command(settings) { tool in
                try await DKIM.create(tool, tenant: tenant, domain: domain, selector: selector, algorithm: chosen)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys of a tenant's domains as DNS records.")
        @Argument(help: "The tenant's name.") var tenant: String
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    for domain in try await SendingDomainStore(database: database, logger: tool.logger).domains(tenant: tenant) {
                        for key in domain.keys { print("\(key.algorithm)\t\(DKIM.record(domain.domain, key))") }
                    }
                }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new key (the algorithm of the domain's newest) next to the old: both sign until the old one is removed.")
        @Argument(help: "The tenant's name.") var tenant: String
        @Argument(help: "The domain.") var domain: String
        @Option(help: "The new key's selector.") var selector: String
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try DKIM.checkSelector(selector)
            try await command(settings) { tool in
                let algorithms = try await tool.withDatabase { database in
                    try await SendingDomainStore(database: database, logger: tool.logger).keyAlgorithms(domain: domain, tenant: tenant)
                }
                guard let newest = algorithms.last, let algorithm = DKIMKey.Algorithm(rawValue: newest) else {
                    throw StoreError(.notFound, "'\(domain)' of tenant '\(tenant)' has no key to rotate (herald ctl dkim create)")
                }
                try await DKIM.create(tool, tenant: tenant, domain: domain, selector: selector, algorithm: algorithm)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a key: mail is no longer signed with it.")
        @Argument(help: "The tenant's name.") var tenant: String
        @Argument(help: "The domain.") var domain: String
        @Option(help: "The key's selector.") var selector: String
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    guard try await SendingDomainStore(database: database, logger: tool.logger)
                        .removeKey(domain: domain, selector: selector, tenant: tenant)
                    else { throw StoreError(.notFound, "'\(domain)' of tenant '\(tenant)' has no key '\(selector)'") }
                }
            }
        }
    }
}
