import ArgumentParser
import HeraldBus
import HeraldRuntime
import HeraldStore
import Logging

/// Settings every subcommand takes, as options over the environment: the table's settings of `Role.ctl`, with the
/// same names as the fleet's.
struct ToolOptions: ParsableArguments {
    @Option(name: long(.databaseURL), help: help(.databaseURL)) var databaseURL: String?
    @Option(name: long(.databaseCAFile), help: help(.databaseCAFile)) var databaseCAFile: String?
    @Option(name: long(.amqpURL), help: help(.amqpURL)) var amqpURL: String?
    @Option(name: long(.amqpCAFile), help: help(.amqpCAFile)) var amqpCAFile: String?
    @Option(name: long(.amqpCertFile), help: help(.amqpCertFile)) var amqpCertFile: String?
    @Option(name: long(.amqpKeyFile), help: help(.amqpKeyFile)) var amqpKeyFile: String?
    @Option(name: long(.logLevel), help: help(.logLevel)) var logLevel: String?
    @Option(name: long(.retryDelays), help: help(.retryDelays)) var retryDelays: String?
    @Option(name: long(.deliveryLimit), help: help(.deliveryLimit)) var deliveryLimit: String?
    @Option(name: long(.relayGrace), help: help(.relayGrace)) var relayGrace: String?
    @Option(name: long(.jobTimeout), help: help(.jobTimeout)) var jobTimeout: String?
    @Option(name: long(.sendingTimeout), help: help(.sendingTimeout)) var sendingTimeout: String?
    @Option(name: long(.staleSending), help: help(.staleSending)) var staleSending: String?
    @Option(name: long(.stall), help: help(.stall)) var stall: String?
    @Option(name: long(.retentionDays), help: help(.retentionDays)) var retentionDays: String?

    init() {}

    /// The settings given as options, by variable.
    var values: [String: String] {
        let given: [Setting: String?] = [
            .databaseURL: databaseURL, .databaseCAFile: databaseCAFile, .amqpURL: amqpURL, .amqpCAFile: amqpCAFile,
            .amqpCertFile: amqpCertFile, .amqpKeyFile: amqpKeyFile, .logLevel: logLevel, .retryDelays: retryDelays,
            .deliveryLimit: deliveryLimit, .relayGrace: relayGrace, .jobTimeout: jobTimeout, .sendingTimeout: sendingTimeout,
            .staleSending: staleSending, .stall: stall, .retentionDays: retentionDays,
        ]
        return Dictionary(uniqueKeysWithValues: given.compactMap { setting, value in value.map { (setting.variable, $0) } })
    }
}

/// A tool option's name: the setting's.
private func long(_ setting: Setting) -> NameSpecification { .customLong(String(setting.option.dropFirst(2))) }

/// A tool option's help: what the setting sets, its variable and its default.
private func help(_ setting: Setting) -> ArgumentHelp {
    ArgumentHelp("\(setting.summary) [\(setting.variable); default \(setting.defaultDescription(for: .ctl))]")
}

/// What a subcommand works with: its settings and a logger, and the database and broker opened from them.
struct Tool {
    let environment: Environment
    let logger: Logger

    func withDatabase<T>(_ body: (Database) async throws -> T) async throws -> T {
        try await Infrastructure.withDatabase(environment: environment, logger: logger, body)
    }

    func withBus<T>(_ body: (BusClient) async throws -> T) async throws -> T {
        let configuration = try Infrastructure.amqp(environment: environment, processName: "heraldctl")
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

    /// The database and the broker, for commands that change both.
    func withInfrastructure<T>(_ body: (Infrastructure) async throws -> T) async throws -> T {
        let recovery = try RecoveryPolicy(environment: environment)
        return try await withDatabase { database in
            try await withBus { bus in try await body(Infrastructure(database: database, bus: bus, recovery: recovery)) }
        }
    }
}

/// Runs a subcommand's body, printing failures as one line and exiting non-zero.
func command(_ options: ToolOptions, _ body: (Tool) async throws -> Void) async throws {
    let environment = Environment(overriding: options.values)
    ProcessRuntime.bootstrap(environment: environment)
    var logger = Logger(label: "heraldctl")
    logger.logLevel = environment.optional(.logLevel, role: .ctl).flatMap(Logger.Level.init(rawValue:)) ?? .warning
    try await ProcessRuntime.command("heraldctl") { try await body(Tool(environment: environment, logger: logger)) }
}
