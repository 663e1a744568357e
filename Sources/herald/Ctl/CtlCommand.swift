import ArgumentParser
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import Logging

struct CtlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Operate a Herald fleet: schema, broker topology, tenants, API keys, dead letters, intake refusals and queue stats.",
        discussion: """
            Every subcommand takes --database-url, --amqp-url and the topology and recovery settings as options, \
            or reads them from the same HERALD_* variables as the fleet (HERALD_DATABASE_URL, default \
            \(Setting.databaseURL.defaultDescription); HERALD_AMQP_URL, default \(Setting.amqpURL.defaultDescription)).
            """,
        version: HeraldVersion.current,
        subcommands: [
            Migrate.self, Topology.self, Tenants.self, Keys.self, Numbers.self, Domains.self, DKIM.self, Suppressions.self, DeadLetters.self, Intake.self, Queues.self,
            MessageCommand.self,
        ])
}
