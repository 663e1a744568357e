import ArgumentParser
import Foundation
import HeraldCore
import HeraldRuntime
import HeraldStore

/// `herald ctl suppressions`: a tenant's suppression list, as `/v1/suppressions` shows it to the tenant.
struct Suppressions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A tenant's suppression list: addresses its messages must not reach (bounces, complaints, unsubscribes, STOP, manual).",
        subcommands: [List.self, Add.self, Remove.self])

    /// The tenant's id, or an error naming the tenant.
    static func tenantID(_ name: String, _ database: Database, _ tool: Tool) async throws -> UUID {
        guard let tenant = try await TenantRepository(database: database, logger: tool.logger).list().first(where: { $0.name == name }) else {
            throw StoreError(.notFound, "no tenant named '\(name)'")
        }
        return tenant.id
    }

    static func channel(_ raw: String) throws -> MessageChannel {
        guard let channel = MessageChannel(rawValue: raw) else { throw ValidationError("the channel must be email or sms") }
        return channel
    }

    static func address(_ raw: String, _ channel: MessageChannel) throws -> String {
        guard let address = Suppression.normalized(raw, channel: channel) else {
            throw ValidationError("'\(raw)' is not \(channel == .email ? "an email address" : "an E.164 number")")
        }
        return address
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenant's suppressions, newest first.")
        @Argument(help: "The tenant's name.") var tenant: String
        @Option(help: "email or sms.") var channel: String?
        @Option(help: "hard_bounce, complaint, unsubscribe or manual.") var reason: String?
        @Option(help: "At most this many.") var limit = 100
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            var filter = SuppressionFilter()
            filter.channel = try channel.map(Suppressions.channel)
            if let reason {
                guard let parsed = Suppression.Reason(rawValue: reason) else {
                    throw ValidationError("--reason must be one of " + Suppression.Reason.allCases.map(\.rawValue).joined(separator: ", "))
                }
                filter.reason = parsed
            }
            filter.limit = limit
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    let id = try await Suppressions.tenantID(tenant, database, tool)
                    for entry in try await SuppressionStore(database: database, logger: tool.logger).list(filter, tenantID: id).entries {
                        print([entry.channel.rawValue, entry.address, entry.reason.rawValue, entry.category ?? "-",
                               Timestamp.string(entry.createdAt), entry.expiresAt.map { Timestamp.string($0) } ?? "-"].joined(separator: "\t"))
                    }
                }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suppress an address for the tenant (reason manual).")
        @Argument(help: "The tenant's name.") var tenant: String
        @Argument(help: "email or sms.") var channel: String
        @Argument(help: "The address or number.") var address: String
        @Option(help: "Only messages of this category.") var category: String?
        @Option(help: "Why, for the record.") var note: String?
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            let channel = try Suppressions.channel(channel)
            let address = try Suppressions.address(address, channel)
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    let id = try await Suppressions.tenantID(tenant, database, tool)
                    try await SuppressionStore(database: database, logger: tool.logger).suppress(
                        tenantID: id, channel: channel, address: address, reason: .manual, category: category, note: note)
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let the tenant's messages reach an address again (every category).")
        @Argument(help: "The tenant's name.") var tenant: String
        @Argument(help: "email or sms.") var channel: String
        @Argument(help: "The address or number.") var address: String
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            let channel = try Suppressions.channel(channel)
            let address = try Suppressions.address(address, channel)
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    let id = try await Suppressions.tenantID(tenant, database, tool)
                    guard try await SuppressionStore(database: database, logger: tool.logger).remove(tenantID: id, channel: channel, address: address) > 0 else {
                        throw StoreError(.notFound, "the address is not on tenant '\(tenant)''s \(channel.rawValue) suppression list")
                    }
                }
            }
        }
    }
}
