import Foundation
@testable import HeraldAPI
import HeraldCore
import HeraldProviders
import HeraldRuntime
import Testing

@Suite("Personal data kept out of logs")
struct RedactionTests {
    @Test(arguments: [
        ("SMTP 550 5.1.1 <ann.lee+news@example.com>: user unknown", "SMTP 550 5.1.1 <[address]>: user unknown"),
        ("mailbox bob@mail.example.org refused.", "mailbox [address] refused."),
        ("destination +48600100200 is barred", "destination [number] is barred"),
        ("number +48 600 100 200 unknown", "number [number] unknown"),
        ("to 48600100200 failed", "to [number] failed"),
    ])
    func redacts(text: String, expected: String) {
        #expect(PersonalDataRedaction.redact(text) == expected)
    }

    @Test(arguments: [
        "message 3f2504e0-4f89-11d3-9a0c-0305e82c3301 at 2026-12-03T10:05:50Z",
        "retry in 200 milliseconds, port 5672, attempt 3 of 10",
        "the receiver answered 500", "queue herald.send.email has 1234 jobs",
    ])
    func keepsWhatTheFleetSays(text: String) {
        #expect(PersonalDataRedaction.redact(text) == text)
    }
}

@Suite("Callback addresses")
struct CallbackAddressTests {
    let policy = CallbackAddressPolicy()

    @Test(arguments: [
        "127.0.0.1", "10.1.2.3", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
        "224.0.0.251", "255.255.255.255", "::1", "::", "fd12::1", "fe80::1", "ff02::1", "::ffff:10.0.0.1",
        "64:ff9b::a00:1", "2002:c0a8:101::1", "192.0.2.10",
    ])
    func refusesNonPublic(address: String) throws {
        #expect(policy.refusal(for: try #require(IPNetwork.parse(address))) != nil, "\(address)")
    }

    @Test(arguments: ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "172.32.0.1", "64:ff9b::808:808"])
    func allowsPublic(address: String) throws {
        #expect(policy.refusal(for: try #require(IPNetwork.parse(address))) == nil, "\(address)")
    }

    @Test func operatorAllowsANetwork() throws {
        let allowing = try CallbackAddressPolicy(allowedNetworks: "127.0.0.0/8, fd00::/8")
        #expect(allowing.refusal(for: IPNetwork.parse("127.9.9.9")!) == nil)
        #expect(allowing.refusal(for: IPNetwork.parse("fd00::5")!) == nil)
        #expect(allowing.refusal(for: IPNetwork.parse("::1")!) != nil, "only what is named")
        #expect(throws: CallbackAddressPolicy.Refusal.self) { try CallbackAddressPolicy(allowedNetworks: "10.0.0.0/33") }
    }

    @Test(arguments: [
        "http://2130706433/", "http://0x7f000001/", "http://127.1/", "http://localhost:8080/x", "http://[::1]/",
        "ftp://example.com/", "http://user:pw@example.com/", "/relative",
    ])
    func refusesURL(url: String) async {
        await #expect(throws: CallbackAddressPolicy.Refusal.self) { try await policy.check(url) }
    }

    @Test func sendsHTTPToTheCheckedAddress() async throws {
        let target = try await CallbackAddressPolicy(allowedNetworks: "127.0.0.0/8").check("http://127.0.0.1:8080/a/b?c=d")
        #expect(target.url == "http://127.0.0.1:8080/a/b?c=d")
        #expect(target.hostHeader == "127.0.0.1:8080")
    }
}

@Suite("Settings")
struct SettingsTests {
    /// Every `HERALD_*` variable the README documents is one an executable knows (none warned about and ignored).
    @Test func documentedVariablesAreKnown() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let documented = Set(text.matches(of: /`(HERALD_[A-Z0-9_]+)`/).map { String($0.1) })
            .subtracting(["HERALD_TEST_VHOSTS", "HERALD_TEST_BROKER_RESTART", "HERALD_AMQP_INTAKE_USER", "HERALD_AMQP_INTAKE_PASSWORD"])
        #expect(documented.count > 40)
        #expect(documented.subtracting(Setting.known).isEmpty, "documented but unknown: \(documented.subtracting(Setting.known).sorted())")
        #expect(Setting.unknownVariables(in: ["HERALD_INTAKE_CONCURRENCY": "4"]).isEmpty)
    }

    @Test func intakeConcurrencyZeroIsAValue() throws {
        #expect(try APIConfiguration(environment: Environment(["HERALD_INTAKE_CONCURRENCY": "0"])).intakeConcurrency == 0)
        #expect(throws: ConfigurationError.self) {
            try APIConfiguration(environment: Environment(["HERALD_INTAKE_CONCURRENCY": "-1"]))
        }
        #expect(throws: ConfigurationError.self) {
            try APIConfiguration(environment: Environment(["HERALD_CALLBACK_ALLOWED_NETWORKS": "everything"]))
        }
    }

    @Test func smtpCredentialsRequireTLS() throws {
        #expect(try SMTPConfiguration(url: "smtp://u:p@mail.example.com:587").tls == .required)
        #expect(try SMTPConfiguration(url: "smtp://mail.example.com:25").tls == .opportunistic)
        #expect(try SMTPConfiguration(url: "smtp://mail.example.com:25", tls: SMTPConfiguration.TLS.none).tls == .none)
        for tls in [SMTPConfiguration.TLS.none, .opportunistic] {
            #expect(throws: SMTPConfiguration.Invalid.self) { try SMTPConfiguration(url: "smtp://u:p@mail.example.com", tls: tls) }
        }
    }
}
