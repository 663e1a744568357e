import ArgumentParser
import Foundation
import Logging

/// An executable of the fleet: its option groups (each option also a `HERALD_*` variable) and what it runs.
///
/// `main` parses the command line: `--help` lists every option with its variable and default, and an unknown option
/// is one line on stderr and exit status 1. The environment is read with the options given on top, a `HERALD_*`
/// variable no executable knows is reported as a warning, logging and metrics are set up, and `start` runs; a
/// failure to start is one readable line and exit status 1.
public protocol HeraldDaemon: AsyncParsableCommand {
    var sources: [any OptionSource] { get }
    func start(environment: Environment, logger: Logger) async throws
}

extension HeraldDaemon {
    public static func main() async {
        let name = configuration.commandName ?? "herald"
        let command: Self
        do {
            guard let parsed = try parseAsRoot() as? Self else { throw CleanExit.helpRequest(self) }
            command = parsed
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            ProcessRuntime.fail(name, message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments")
        }
        await command.launch(name)
    }

    public func run() async throws {
        await launch(Self.configuration.commandName ?? "herald")
    }

    /// The environment this process reads: its own, with the options given on the command line on top.
    public var environment: Environment { Environment(overriding: sources) }

    func launch(_ name: String) async {
        let environment = environment
        _ = ProcessRuntime.bootstrap(environment: environment)
        let logger = Logger(label: name)
        for line in Settings.unknownVariables(in: ProcessInfo.processInfo.environment) { logger.warning("\(line)") }
        await ProcessRuntime.main(name) { try await start(environment: environment, logger: logger) }
    }
}

extension Environment {
    /// The process's environment with the options given on the command line on top.
    public init(overriding sources: [any OptionSource]) {
        var values = ProcessInfo.processInfo.environment
        for source in sources {
            for case let (variable, value?) in source.values { values[variable] = value }
        }
        self.init(values)
    }
}
