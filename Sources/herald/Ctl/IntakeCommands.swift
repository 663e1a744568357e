import ArgumentParser
import Foundation
import HeraldBus
import HeraldRuntime

struct Intake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The intake queue: message requests published straight onto the broker.",
        subcommands: [Refused.self])

    struct Refused: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show refused intake requests (one JSON line each: problem, request, idempotency key), leaving them queued.")
        @Option(help: "Show at most this many.") var limit = 20

        @OptionGroup var settings: ToolOptions

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000") }
        }

        func run() async throws {
            try await command(settings) { tool in
                try await tool.withBus { bus in
                    for delivery in try await bus.peek(HeraldBus.Topology.intakeRefusedQueue, limit: limit) {
                        print(String(decoding: delivery.body, as: UTF8.self))
                    }
                }
            }
        }
    }
}
