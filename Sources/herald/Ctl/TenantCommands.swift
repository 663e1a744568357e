import ArgumentParser
import Foundation
import HeraldCore
import HeraldProviders
import HeraldRuntime
import HeraldStore

struct Tenants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage tenants: the applications the fleet serves, each with its own keys, templates, recipients and limits.",
        subcommands: [Create.self, List.self, Limit.self, Sender.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant.")
        @Argument(help: "The tenant's name: letters, digits, '.', '_' or '-'.") var name: String
        @Option(name: .customLong("rate-limit"), help: "Messages accepted per minute (default \(Tenant.defaultRatePerMinute)).")
        var rateLimit: Int?
        @Option(help: "Messages accepted at once after a quiet spell (default \(Tenant.defaultBurst)).") var burst: Int?
        @Option(name: .customLong("default-locale"), help: "The locale its templates fall back to (default: HERALD_DEFAULT_LOCALE).")
        var defaultLocale: String?

        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    let tenant = try await TenantRepository(database: database, logger: tool.logger)
                        .create(name: name, ratePerMinute: rateLimit, burst: burst, defaultLocale: defaultLocale)
                    print(Tenants.line(tenant))
                }
            }
        }
    }

    struct Limit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a tenant's rate limit (applies within 10 s).")
        @Argument var name: String
        @Option(name: .customLong("rate-limit"), help: "Messages accepted per minute.") var rateLimit: Int?
        @Option(help: "Messages accepted at once after a quiet spell.") var burst: Int?

        @OptionGroup var settings: ToolOptions

        func run() async throws {
            guard rateLimit != nil || burst != nil else { throw ValidationError("give --rate-limit, --burst or both") }
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    let tenant = try await TenantRepository(database: database, logger: tool.logger)
                        .setLimits(name: name, ratePerMinute: rateLimit, burst: burst)
                    print(Tenants.line(tenant))
                }
            }
        }
    }

    struct Sender: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the tenant's default sender, for emails that name no `from` (HERALD_SMTP_FROM otherwise).")
        @Argument(help: "The tenant's name.") var name: String
        @Argument(help: "\"Name <local@DOMAIN>\" or local@DOMAIN, DOMAIN one of the tenant's; \"\" clears it.") var sender: String
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            var mailbox: MIMEMessage.Mailbox?
            if !sender.isEmpty {
                guard let parsed = MIMEMessage.Mailbox(parsing: sender) else { throw ValidationError("'\(sender)' is not a mailbox") }
                do {
                    _ = try EmailAddress(parsed.address)
                } catch {
                    throw ValidationError("'\(parsed.address)' \(error)")
                }
                mailbox = parsed
            }
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    try await SendingDomainStore(database: database, logger: tool.logger)
                        .setSender(mailbox?.stored, domain: mailbox?.domain, tenant: name)
                    print("\(name)\t\(mailbox?.stored ?? "HERALD_SMTP_FROM")")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tenants with their limits and callback.")

        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    for tenant in try await TenantRepository(database: database, logger: tool.logger).list() {
                        print(Tenants.line(tenant))
                    }
                }
            }
        }
    }

    static func line(_ tenant: Tenant) -> String {
        [
            tenant.name, tenant.id.uuidString.lowercased(), "rate=\(tenant.ratePerMinute)/min", "burst=\(tenant.burst)",
            "locale=\(tenant.defaultLocale ?? "-")", "callback=\(tenant.callbackURL ?? "-")", Timestamp.string(tenant.createdAt),
        ].joined(separator: "\t")
    }
}
