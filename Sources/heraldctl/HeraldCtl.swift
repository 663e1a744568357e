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
        abstract: "Operate a Herald fleet: schema, broker topology, tenants, API keys, dead letters, intake refusals and queue stats.",
        discussion: """
            Every subcommand takes --database-url, --amqp-url and the topology and recovery settings as options, \
            or reads them from the same HERALD_* variables as the fleet (HERALD_DATABASE_URL, default \
            \(Environment.defaultDatabaseURL); HERALD_AMQP_URL, default \(Environment.defaultAMQPURL)).
            """,
        version: HeraldVersion.current,
        subcommands: [
            Migrate.self, Topology.self, Tenants.self, Keys.self, DeadLetters.self, Intake.self, Queues.self, MessageCommand.self,
        ])

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
