import ArgumentParser
import HeraldCore
import HeraldRuntime

/// `herald`: the one program of the fleet, a subcommand per role (`herald api`, `herald email`, …), the operator's
/// tool (`herald ctl …`) and the local stand-in for the providers (`herald sandbox`).
///
/// Invoked under a role's old name (`herald-email`, `heraldctl`: symbolic links to `herald`), it runs that role, so
/// existing units and scripts keep working.
@main
struct Herald: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Herald, a notification delivery fleet: one program, one subcommand per role.",
        discussion: """
            Run one role per process (replicate any of them). Every option of a role can be given as its HERALD_* \
            variable instead; an option given wins. Under a role's old name (herald-api, herald-email, …, heraldctl, \
            a symbolic link to this program) the program runs that role.
            """,
        version: HeraldVersion.current,
        subcommands: [
            APIRole.self, RendererRole.self, EmailRole.self, SMSRole.self, PollerRole.self, DigestRole.self,
            CallbacksRole.self, InboundRole.self, CtlCommand.self, SandboxRole.self, SettingsCommand.self,
        ])

    /// The old executable names and the subcommand each stands for.
    static let links: [String: String] = [
        "herald-api": "api", "herald-renderer": "renderer", "herald-email": "email", "herald-sms": "sms",
        "herald-poller": "poller", "herald-digest": "digest", "herald-callbacks": "callbacks",
        "herald-inbound": "inbound",
        "herald-sandbox": "sandbox", "heraldctl": "ctl",
    ]

    /// The arguments to parse: the command line after the program's name, with the role its name stands for first.
    static func arguments(_ commandLine: [String]) -> (name: String, arguments: [String]) {
        let invoked = commandLine.first.map { String($0.split(separator: "/").last ?? "") } ?? "herald"
        let rest = Array(commandLine.dropFirst())
        if let role = links[invoked] { return (invoked, [role] + rest) }
        let name = rest.first.flatMap { first in links.first { $0.value == first }?.key } ?? "herald"
        return (name, rest)
    }

    /// As ArgumentParser's, but a bad command line is one line on stderr (naming the role) and exit status 1.
    static func main() async {
        let (name, arguments) = arguments(CommandLine.arguments)
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if error is ExitCode || exitCode(for: error) == .success { exit(withError: error) }
            ProcessRuntime.fail(name, message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments")
        }
    }
}
