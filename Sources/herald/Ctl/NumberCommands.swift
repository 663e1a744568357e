import ArgumentParser
import HeraldRuntime
import HeraldStore

/// `herald ctl numbers`: the numbers a tenant sends SMS from, so that replies to them (and STOP) reach that tenant.
struct Numbers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tie a tenant's SMS numbers to it: replies sent to one (STOP among them) reach that tenant alone.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tie a number (E.164, such as +48601234567) to a tenant.")
        @Argument(help: "The tenant's name.") var tenant: String
        @Argument(help: "The number, E.164.") var number: String
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    try await InboundStore(database: database, logger: tool.logger).addNumber(number, tenant: tenant)
                    print("\(number)\t\(tenant)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's numbers.")
        @Argument(help: "The tenant's name.") var tenant: String
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    for number in try await InboundStore(database: database, logger: tool.logger).numbers(tenant: tenant) {
                        print(number)
                    }
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Untie a number from a tenant.")
        @Argument(help: "The tenant's name.") var tenant: String
        @Argument(help: "The number, E.164.") var number: String
        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    guard try await InboundStore(database: database, logger: tool.logger).removeNumber(number, tenant: tenant) else {
                        throw StoreError(.notFound, "\(number) is not a number of tenant '\(tenant)'")
                    }
                }
            }
        }
    }
}
