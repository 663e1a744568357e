import ArgumentParser
import Foundation
import HeraldBus
import HeraldCore
import HeraldServer
import HeraldStore
import Logging

@main
struct HeraldCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heraldctl",
        abstract: "Operate a Herald fleet: schema, broker topology, API keys, dead letters and queue stats.",
        discussion: """
            Reads HERALD_DATABASE_URL (default \(Environment.defaultDatabaseURL)) and HERALD_AMQP_URL \
            (default \(Environment.defaultAMQPURL)).
            """,
        subcommands: [Migrate.self, Topology.self, Keys.self, DeadLetters.self, Queues.self, MessageCommand.self])

    /// As ArgumentParser's, but a bad command line is one line on stderr and exit status 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if error is ExitCode || exitCode(for: error) == .success { exit(withError: error) }
            ProcessRuntime.fail("heraldctl", message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments")
        }
    }
}

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

struct Queues: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show queue depths and consumers, and messages per state.")

    @OptionGroup var settings: ToolOptions


    func run() async throws {
        try await command(settings) { tool in
            try await tool.withBus { bus in
                for stage in Stage.allCases {
                    for queue in [stage.queue, stage.deadLetterQueue] {
                        let status = try await bus.queueStatus(queue)
                        print("\(queue)\tready=\(status.messages)\tconsumers=\(status.consumers)")
                    }
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
                guard let message = try await MessageQueries(database: database, logger: tool.logger).message(uuid) else {
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
