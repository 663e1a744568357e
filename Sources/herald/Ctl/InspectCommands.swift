import ArgumentParser
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import Logging

struct Queues: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show queue depths and consumers, and messages per state.")

    @OptionGroup var settings: ToolOptions

    func run() async throws {
        try await command(settings) { tool in
            try await tool.withBus { bus in
                let queues = Stage.allCases.flatMap { [$0.queue, $0.deadLetterQueue] }
                    + [HeraldBus.Topology.intakeQueue, HeraldBus.Topology.intakeRefusedQueue]
                for queue in queues {
                    let status = try await bus.queueStatus(queue)
                    print("\(queue)\tready=\(status.messages)\tconsumers=\(status.consumers)")
                }
            }
            try await tool.withDatabase { database in
                let counts = try await OperatorCounts(database: database, logger: tool.logger).countsByState()
                for (state, count) in counts.sorted(by: { $0.key < $1.key }) { print("messages.\(state)\t\(count)") }
            }
        }
    }
}

struct MessageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "message", abstract: "Show a message and its history.")
    @Argument var id: String

    @OptionGroup var settings: ToolOptions


    func run() async throws {
        try await command(settings) { tool in
            guard let uuid = UUID(uuidString: id) else { throw ValidationError("'\(id)' is not a message id (a UUID)") }
            try await tool.withDatabase { database in
                guard let message = try await MessageQueries(database: database, logger: tool.logger).message(uuid, tenantID: nil) else {
                    throw StoreError(.notFound, "no message \(id)")
                }
                print("\(message.id.uuidString.lowercased())\t\(message.channel)\t\(message.state)\tattempts=\(message.attempts)\tprovider_id=\(message.providerID ?? "-")\tlast_error=\(message.lastError ?? "-")")
                for event in message.events {
                    print("  \(Timestamp.string(event.at))\t\(event.from ?? "-") -> \(event.to)\t\(event.detail ?? "")")
                }
            }
        }
    }
}
