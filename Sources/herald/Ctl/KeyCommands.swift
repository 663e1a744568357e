import ArgumentParser
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import Logging

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API keys.", subcommands: [Create.self, Revoke.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once; only its hash is stored.")
        @Argument(help: "A name for the key, such as the application using it.") var name: String
        @Option(help: "The tenant the key acts for.") var tenant = "default"
        @Flag(name: .customLong("operator"), help: "The key may also act on the whole fleet: every tenant's dead letters.")
        var isOperator = false

        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    let (key, secret) = try await APIKeyRepository(database: database, logger: tool.logger)
                        .create(name: name, tenant: tenant, isOperator: isOperator)
                    let role = key.isOperator ? "operator key" : "key"
                    print("\(role) \(key.name) for tenant \(key.tenant) (shown once; only its hash is kept):")
                    print(secret)
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke the tenant's active key with this name.")
        @Argument var name: String
        @Option(help: "The tenant the key acts for.") var tenant = "default"

        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    guard try await APIKeyRepository(database: database, logger: tool.logger).revoke(name: name, tenant: tenant) else {
                        throw StoreError(.notFound, "tenant '\(tenant)' has no active key named '\(name)'")
                    }
                    print("revoked \(name)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")

        @OptionGroup var settings: ToolOptions

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    for key in try await APIKeyRepository(database: database, logger: tool.logger).list() {
                        let state = key.revokedAt.map { "revoked \(Timestamp.string($0))" } ?? "active"
                        let role = key.isOperator ? "operator" : "tenant"
                        print("\(key.tenant)\t\(key.name)\t\(role)\t\(key.id.uuidString.lowercased())\t\(Timestamp.string(key.createdAt))\t\(state)")
                    }
                }
            }
        }
    }
}
