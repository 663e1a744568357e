import HeraldPipeline
import ArgumentParser
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import Logging

extension Stage: ExpressibleByArgument {}

struct DeadLetters: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters", abstract: "Inspect, replay or discard dead letters.",
        subcommands: [List.self, Replay.self, Purge.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show dead letters of a stage without removing them.")
        @Option(help: "render, send.email or send.sms") var stage: Stage
        @Option var limit = 20

        @OptionGroup var settings: ToolOptions


        func run() async throws {
            try await command(settings) { tool in
                try await tool.withBus { bus in
                    for letter in try await bus.peekDeadLetters(stage, limit: limit) {
                        let ids = letter.messageIDs.map { $0.uuidString.lowercased() }.joined(separator: ",")
                        let when = letter.failedAt.map { Timestamp.string($0) } ?? "-"
                        print("\(ids)\tattempts=\(letter.attempts)\tfailed_at=\(when)\terror=\(letter.error ?? "-")")
                    }
                }
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move dead letters back to their work queue, and their messages from dead back to where that stage starts.")
        @Option(help: "render, send.email or send.sms") var stage: Stage
        @Option(name: .customLong("message"), help: "Replay only this message (repeatable).") var messages: [String] = []
        @Option(help: "Replay only dead letters whose error contains this text (ignoring case).") var errorContains: String?
        @Option(help: "Look at up to this many dead letters.") var limit = 1000

        func validate() throws {
            for id in messages where UUID(uuidString: id) == nil {
                throw ValidationError("'\(id)' is not a message id (a UUID)")
            }
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
        }

        @OptionGroup var settings: ToolOptions


        func run() async throws {
            try await command(settings) { tool in
                let selection = DeadLetterDesk.Selection(
                    messageIDs: messages.isEmpty ? nil : Set(messages.compactMap(UUID.init(uuidString:))),
                    errorContains: errorContains)
                try await tool.withInfrastructure { infrastructure in
                    let report = try await DeadLetterDesk(infrastructure: infrastructure, logger: tool.logger)
                        .replay(stage, selection: selection, limit: limit)
                    print("replayed \(report.replayedMessages) messages in \(report.replayedJobs) jobs (\(report.revivedMessages) back from dead); \(report.left) dead letters left")
                }
            }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Discard all dead letters of a stage.")
        @Option(help: "render, send.email or send.sms") var stage: Stage

        @OptionGroup var settings: ToolOptions


        func run() async throws {
            try await command(settings) { tool in
                try await tool.withBus { bus in print("purged \(try await bus.purgeDeadLetters(stage))") }
            }
        }
    }
}
