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
}

/// Runs a subcommand's body, printing failures as one line and exiting non-zero.
func command(_ body: (Logger) async throws -> Void) async throws {
    _ = ProcessRuntime.bootstrap()
    var logger = Logger(label: "heraldctl")
    logger.logLevel = Environment().optional("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .warning
    try await ProcessRuntime.command("heraldctl") { try await body(logger) }
}

func withDatabase<T>(_ logger: Logger, _ body: (Database) async throws -> T) async throws -> T {
    try await Infrastructure.withDatabase(logger: logger, body)
}

/// The database and the broker, for commands that change both.
func withInfrastructure<T>(_ logger: Logger, _ body: (Infrastructure) async throws -> T) async throws -> T {
    let environment = Environment()
    let recovery = try RecoveryPolicy(environment: environment)
    return try await withDatabase(logger) { database in
        try await withBus(logger) { bus in
            try await body(Infrastructure(database: database, bus: bus, recovery: recovery))
        }
    }
}

func withBus<T>(_ logger: Logger, _ body: (BusClient) async throws -> T) async throws -> T {
    let configuration = try AMQPConfiguration(
        url: Environment().string("HERALD_AMQP_URL", default: Environment.defaultAMQPURL), connectionName: "heraldctl")
    let bus = try await BusClient.connect(configuration, logger: logger)
    do {
        let result = try await body(bus)
        await bus.shutdown()
        return result
    } catch {
        await bus.shutdown()
        throw error
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations (safe to run concurrently).")

    func run() async throws {
        try await command { logger in
            try await withDatabase(logger) { database in
                let applied = try await Migrator(database: database, logger: logger).migrate()
                print(applied.isEmpty ? "schema is current" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
            }
        }
    }
}

struct Topology: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Declare Herald's exchanges and queues (idempotent), with the retry delays and delivery limit of HERALD_RETRY_DELAYS_MS and HERALD_DELIVERY_LIMIT.")

    func run() async throws {
        try await command { logger in
            try await withBus(logger) { bus in
                let topology = try HeraldBus.Topology(environment: Environment())
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

        func run() async throws {
            try await command { logger in
                try await withDatabase(logger) { database in
                    let (_, secret) = try await APIKeyRepository(database: database, logger: logger).create(name: name)
                    print(secret)
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke the active key with this name.")
        @Argument var name: String

        func run() async throws {
            try await command { logger in
                try await withDatabase(logger) { database in
                    guard try await APIKeyRepository(database: database, logger: logger).revoke(name: name) else {
                        throw StoreError(.notFound, "no active key named '\(name)'")
                    }
                    print("revoked \(name)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")

        func run() async throws {
            try await command { logger in
                try await withDatabase(logger) { database in
                    for key in try await APIKeyRepository(database: database, logger: logger).list() {
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

        func run() async throws {
            try await command { logger in
                try await withBus(logger) { bus in
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

        func run() async throws {
            try await command { logger in
                let selection = DeadLetterDesk.Selection(
                    messageIDs: messages.isEmpty ? nil : Set(messages.compactMap(UUID.init(uuidString:))),
                    errorContains: errorContains)
                try await withInfrastructure(logger) { infrastructure in
                    let report = try await DeadLetterDesk(infrastructure: infrastructure, logger: logger)
                        .replay(stage, selection: selection, limit: limit)
                    print("replayed \(report.replayedMessages) messages in \(report.replayedJobs) jobs (\(report.revivedMessages) back from dead); \(report.left) dead letters left")
                }
            }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Discard all dead letters of a stage.")
        @Option(help: "render, send.email or send.sms") var stage: Stage

        func run() async throws {
            try await command { logger in
                try await withBus(logger) { bus in print("purged \(try await bus.purgeDeadLetters(stage))") }
            }
        }
    }
}

struct Queues: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show queue depths and consumers, and messages per state.")

    func run() async throws {
        try await command { logger in
            try await withBus(logger) { bus in
                for stage in Stage.allCases {
                    for queue in [stage.queue, stage.deadLetterQueue] {
                        let status = try await bus.queueStatus(queue)
                        print("\(queue)\tready=\(status.messages)\tconsumers=\(status.consumers)")
                    }
                }
            }
            try await withDatabase(logger) { database in
                let counts = try await OperatorCounts(database: database, logger: logger).countsByState()
                for (state, count) in counts.sorted(by: { $0.key < $1.key }) { print("messages.\(state)\t\(count)") }
            }
        }
    }
}

struct MessageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "message", abstract: "Show a message and its history.")
    @Argument var id: String

    func run() async throws {
        try await command { logger in
            guard let uuid = UUID(uuidString: id) else { throw ValidationError("'\(id)' is not a message id (a UUID)") }
            try await withDatabase(logger) { database in
                guard let message = try await MessageQueries(database: database, logger: logger).message(uuid) else {
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
