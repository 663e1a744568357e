import ArgumentParser
import Foundation
import Logging

/// A role of the fleet (`herald email`, …): its option groups (each option also a `HERALD_*` variable) and what it
/// runs.
///
/// `herald`'s root command parses the command line: `--help` lists every option with its variable and default, and an
/// unknown option is one line on stderr and exit status 1. `run` reads the environment with the options given on top,
/// reports a `HERALD_*` variable no role knows as a warning, names the process after the role (what `ps`, `pgrep` and
/// `top` show), sets up logging and metrics and runs `start`; a failure to start is one readable line and exit
/// status 1.
public protocol HeraldDaemon: AsyncParsableCommand {
    /// The process's name in logs, metrics and the process table: `herald-email`.
    static var processName: String { get }
    var sources: [any OptionSource] { get }
    func start(environment: Environment, logger: Logger) async throws
}

extension HeraldDaemon {
    public func run() async throws {
        await launch(Self.processName)
    }

    /// The environment this process reads: its own, with the options given on the command line on top.
    public var environment: Environment { Environment(overriding: sources) }

    func launch(_ name: String) async {
        ProcessRuntime.nameProcess(name)
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
