import ArgumentParser
import Foundation
import HeraldSandbox
import Hummingbird
import Logging
import ServiceLifecycle

@main
struct HeraldSandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald-sandbox",
        abstract: "Local stand-in for the outside providers: an SMTP sink and its HTTP listing. For demos, tests and benchmarks only.")

    @Option(help: "Where the SMTP sink listens.") var smtp = "127.0.0.1:2525"
    @Option(help: "Where the HTTP listing (GET /mail, /mail/{n}) listens.") var http = "127.0.0.1:8025"
    @Option(help: "Write each received message to this folder as NNNNNNNN.eml.") var maildir: String?
    @Option(help: "Messages kept in memory for the listing.") var keep = 1000

    func run() async throws {
        var logger = Logger(label: "herald-sandbox")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let (smtpHost, smtpPort) = try Self.address(smtp, option: "--smtp")
        let (httpHost, httpPort) = try Self.address(http, option: "--http")
        let store = try MailStore(keep: keep, directory: maildir.map { URL(fileURLWithPath: $0) })
        let sink = SMTPSink(host: smtpHost, port: smtpPort, store: store, logger: logger)
        let app = Application(
            router: SandboxHTTP.router(store: store),
            configuration: .init(address: .hostname(httpHost, port: httpPort), serverName: "herald-sandbox"), logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: sink), .init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    static func address(_ raw: String, option: String) throws -> (String, Int) {
        guard let colon = raw.lastIndex(of: ":"), let port = Int(raw[raw.index(after: colon)...]) else {
            throw ValidationError("\(option) must be host:port, got '\(raw)'")
        }
        return (String(raw[..<colon]), port)
    }
}
