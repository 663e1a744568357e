import ArgumentParser
import Foundation
import HeraldBus
import HeraldCore
import HeraldServer
import HeraldStore
import Logging

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API keys.", subcommands: [Create.self, Revoke.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once; only its hash is stored.")
        @Argument(help: "A name for the key, such as the application using it.") var name: String

        @OptionGroup var settings: ToolOptions


        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    let (_, secret) = try await APIKeyRepository(database: database, logger: tool.logger).create(name: name)
                    print(secret)
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke the active key with this name.")
        @Argument var name: String

        @OptionGroup var settings: ToolOptions


        func run() async throws {
            try await command(settings) { tool in
                try await tool.withDatabase { database in
                    guard try await APIKeyRepository(database: database, logger: tool.logger).revoke(name: name) else {
                        throw StoreError(.notFound, "no active key named '\(name)'")
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
                        print("\(key.name)\t\(key.id.uuidString.lowercased())\t\(Timestamp.string(key.createdAt))\t\(state)")
                    }
                }
            }
        }
    }
}
