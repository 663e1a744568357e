import Foundation
import HeraldAPI
import HeraldProviders
import HeraldRuntime
import HeraldStore
import Testing

@Suite("The settings table")
struct SettingsTableTests {
    /// The README's table is the one `herald settings --markdown` prints: edited in the table, not by hand.
    @Test func readmeTableIsTheTables() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- settings: made by `herald settings --markdown`"))
        let end = try #require(text.range(of: "<!-- end of settings -->"))
        let body = text[begin.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
        #expect(body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines) == Setting.markdownTable(),
                "README.md's settings table differs from the table: paste the output of `herald settings --markdown`")
    }

    /// A setting that names a choice reads it, and refuses another value in one line listing the choices.
    @Test func choicesAreReadAndRefusedByName() throws {
        let environment = Environment([
            "HERALD_SMTP_TLS": "required", "HERALD_API_MODE": "relay", "HERALD_STALE_SENDING": "fail",
        ])
        #expect(try environment.choice(.smtpTLS, as: SMTPConfiguration.TLS.self) == .required)
        #expect(try APIConfiguration(environment: environment).mode == .relay)
        #expect(try RecoveryPolicy(environment: environment).staleSending == .fail)
        #expect(try Environment([:]).choice(.smtpTLS, as: SMTPConfiguration.TLS.self) == nil)
        #expect(try RecoveryPolicy(environment: Environment([:])).staleSending == .resend)
        let refusals: [(String, String, (Environment) throws -> Void)] = [
            ("HERALD_SMTP_TLS", "HERALD_SMTP_TLS must be required, opportunistic or none, got 'yes'",
             { _ = try $0.choice(.smtpTLS, as: SMTPConfiguration.TLS.self) }),
            ("HERALD_API_MODE", "HERALD_API_MODE must be all, http or relay, got 'yes'",
             { _ = try APIConfiguration(environment: $0) }),
            ("HERALD_STALE_SENDING", "HERALD_STALE_SENDING must be resend or fail, got 'yes'",
             { _ = try RecoveryPolicy(environment: $0) }),
        ]
        for (variable, message, read) in refusals {
            let error = #expect(throws: ConfigurationError.self) { try read(Environment([variable: "yes"])) }
            #expect(error?.description == message)
        }
    }

    @Test func eachSettingOnceWithAnOptionOfItsOwn() {
        #expect(Set(Setting.all.map(\.variable)).count == Setting.all.count)
        #expect(Set(Setting.all.map(\.option)).count == Setting.all.count)
        #expect(Setting.smtpURL.option == "--smtp-url")
        #expect(Setting.logLevel.option == "--log-level")
        for role in Role.allCases {
            #expect(!Setting.of(role).isEmpty, "\(role) reads no setting")
        }
        for setting in Setting.all {
            #expect(!setting.roles.isEmpty, "\(setting.variable) is read by no role")
            #expect(setting.roleDefaults.keys.allSatisfy(setting.roles.contains), "\(setting.variable) has a default for a role that does not read it")
        }
    }

    /// Every default in the table is one the typed configurations accept.
    @Test func defaultsAreValid() throws {
        let empty = Environment([:])
        _ = try APIConfiguration(environment: empty)
        _ = try RenderSettings(environment: empty)
        _ = try RecoveryPolicy(environment: empty)
        for setting in Setting.all {
            guard let value = setting.defaultValue, Int(value) != nil else { continue }
            #expect(try empty.int(setting, minimum: 0) == Int(value))
        }
        #expect(try empty.int(.databaseConnections, role: .api) == 20)
        #expect(try empty.int(.databaseConnections, role: .email) == 10)
        #expect(try empty.hostAndPort(.metricsAddress, role: .sms).port == 9103)
        #expect(try empty.milliseconds(.retryDelays).count == 5)
        #expect(empty.optional(.tokenSecret) == nil)
        #expect(throws: ConfigurationError.self) { try empty.string(.tyntecAPIKey) }
    }

    @Test func aGivenValueWinsAndAnEmptyOneIsNotGiven() throws {
        let environment = Environment(["HERALD_SMTP_CONNECTIONS": "3", "HERALD_PREFETCH": ""])
        #expect(try environment.int(.smtpConnections) == 3)
        #expect(try environment.int(.prefetch) == 20)
        #expect(environment.isGiven(.smtpConnections) && !environment.isGiven(.prefetch))
        #expect(throws: ConfigurationError.self) { try Environment(["HERALD_SMTP_CONNECTIONS": "many"]).int(.smtpConnections) }
        #expect(throws: ConfigurationError.self) { try Environment(["HERALD_SMS_TRANSLITERATE": "maybe"]).flag(.smsTransliterate) }
    }

    @Test func aRolesCommandLine() throws {
        #expect(try Role.email.read(["--prefetch", "40", "--smtp-url=smtp://mx:25"])
            == .run(["HERALD_PREFETCH": "40", "HERALD_SMTP_URL": "smtp://mx:25"]))
        #expect(try Role.email.read(["--smtp-url", "--x"]) == .run(["HERALD_SMTP_URL": "--x"]))
        #expect(try Role.api.read(["--log-level", "debug", "-h"]) == .help)
        #expect(try Role.api.read([]) == .run([:]))
        for (role, arguments, named) in [
            (Role.email, ["--prefetsh", "1"], "unknown option '--prefetsh'"),
            (.api, ["--smtp-url", "smtp://mx"], "'--smtp-url' is not an option of herald api (it is one of herald email)"),
            (.email, ["--prefetch"], "'--prefetch' needs a value"),
            (.email, ["40"], "unexpected argument '40'"),
        ] {
            let error = #expect(throws: ConfigurationError.self) { try role.read(arguments) }
            #expect(error?.description.hasPrefix(named) == true, "\(error?.description ?? "")")
        }
    }

    @Test func helpListsEveryOptionOfTheRoleWithItsVariableAndDefault() {
        let help = Role.email.help(abstract: "Sends emails.", version: "1")
        for setting in Setting.of(.email) {
            #expect(help.contains("  \(setting.option) <value>") && help.contains(setting.variable))
        }
        #expect(!help.contains("--api-address"))
        #expect(help.contains("[HERALD_DATABASE_CONNECTIONS; default 10]"))
        #expect(help.split(separator: "\n").allSatisfy { $0.count <= 120 })
    }

    @Test func unknownVariablesNameTheClosestSetting() {
        #expect(Setting.unknownVariables(in: ["HERALD_SMTP_CONECTIONS": "4", "HERALD_SMTP_URL": "x", "HERALD_TEST_X": "1"])
            == ["HERALD_SMTP_CONECTIONS is not a Herald setting and is ignored (did you mean HERALD_SMTP_CONNECTIONS?)"])
    }
}
