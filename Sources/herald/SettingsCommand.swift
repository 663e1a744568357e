import ArgumentParser
import HeraldCore
import HeraldRuntime

/// `herald settings`: every setting of the fleet, from the one table the roles read.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Lists every setting: its variable, option, default and the roles that read it.",
        version: HeraldVersion.current)

    @Flag(help: "As the README's Markdown table.") var markdown = false
    @Option(help: "Only the settings this role reads (api, renderer, email, sms, poller, digest, callbacks, inbound, ctl).")
    var role: String?

    func run() throws {
        if markdown {
            print(Setting.markdownTable())
            return
        }
        let settings: [Setting]
        if let role {
            guard let known = Role(rawValue: role) else { throw ValidationError("no role '\(role)'") }
            settings = Setting.of(known)
        } else {
            settings = Setting.all
        }
        for setting in settings {
            let roles = setting.roles.sorted().map(\.rawValue).joined(separator: ",")
            print("\(setting.variable)\t\(setting.option)\t\(setting.defaultValue ?? "")\t\(roles)")
        }
    }
}
