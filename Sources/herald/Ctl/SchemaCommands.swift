import ArgumentParser
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import Logging

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations (safe to run concurrently).")

    @OptionGroup var settings: ToolOptions


    func run() async throws {
        try await command(settings) { tool in
            try await tool.withDatabase { database in
                let applied = try await Migrator(database: database, logger: tool.logger).migrate()
                print(applied.isEmpty ? "schema is current" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
            }
        }
    }
}

struct Topology: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Declare Herald's exchanges and queues (idempotent), with the retry delays and delivery limit of HERALD_RETRY_DELAYS_MS and HERALD_DELIVERY_LIMIT.")

    @OptionGroup var settings: ToolOptions


    func run() async throws {
        try await command(settings) { tool in
            try await tool.withBus { bus in
                let topology = try HeraldBus.Topology(environment: tool.environment)
                try await topology.declare(on: bus)
                print("topology declared on \(bus.configuration): retry delays \(topology.retryDelays), delivery limit \(topology.deliveryLimit)")
            }
        }
    }
}
