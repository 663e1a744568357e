package import ArgumentParser
import Foundation
import HeraldCore
package import Logging

/// A role of the fleet (`herald email`, …): what it is, and what it runs.
///
/// Its command line is read against the settings table (`Setting.all`): `--help` lists the role's options with their
/// variables and defaults, an option is `--name value` or `--name=value` and wins over its variable, and an unknown
/// option, or one of another role, is one line on stderr and exit status 1. `run` reads the environment with the
/// options given on top, reports a `HERALD_*` variable no role knows as a warning, names the process after the role
/// (what `ps`, `pgrep` and `top` show), sets up logging and metrics and runs `start`; a failure to start is one
/// readable line and exit status 1.
package protocol HeraldDaemon: AsyncParsableCommand {
    static var role: Role { get }
    /// One line on what the role does, for `herald --help` and the role's own.
    static var abstract: String { get }
    /// More on what it does, for its `--help`.
    static var discussion: String { get }
    /// The command line after `herald <role>` (`@Argument(parsing: .allUnrecognized, help: .private)`).
    var arguments: [String] { get }
    func start(environment: Environment, logger: Logger) async throws
}

extension HeraldDaemon {
    package static var discussion: String { "" }

    /// The role's subcommand; its options are read from `arguments`, so ArgumentParser leaves `--help` to the role.
    package static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: role.rawValue, abstract: abstract,
            discussion: "herald \(role.rawValue) --help lists its options, each with its variable and default.",
            version: HeraldVersion.current, helpNames: [])
    }

    package func run() async throws {
        switch try Self.role.read(arguments) {
        case .help:
            print(Self.role.help(abstract: Self.abstract, discussion: Self.discussion, version: HeraldVersion.current))
        case .run(let given):
            await launch(Environment(overriding: given))
        }
    }

    func launch(_ environment: Environment) async {
        let name = Self.role.processName
        ProcessRuntime.nameProcess(name)
        _ = ProcessRuntime.bootstrap(environment: environment)
        let logger = Logger(label: name)
        for line in Setting.unknownVariables(in: ProcessInfo.processInfo.environment) { logger.warning("\(line)") }
        await ProcessRuntime.main(name) { try await start(environment: environment, logger: logger) }
    }
}

extension Environment {
    /// The process's environment with the variables given on the command line on top.
    package init(overriding given: [String: String]) {
        self.init(ProcessInfo.processInfo.environment.merging(given) { _, option in option })
    }
}
