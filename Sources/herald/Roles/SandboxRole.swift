import ArgumentParser
import Foundation
import HeraldCore
import HeraldSandbox
import HeraldRuntime
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

struct SandboxRole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Local stand-in for the outside providers: an SMTP sink with its HTTP listing, a Tyntec-compatible SMS API and a receiver of delivery-status callbacks (/callbacks). For demos, tests and benchmarks only.",
        version: HeraldVersion.current)

    @Option(help: "Where the SMTP sink listens.") var smtp = "127.0.0.1:2525"
    @Option(help: "Where the HTTP side (GET /mail, /mail/{n}, /sms; the Tyntec API under /messaging/v1) listens.")
    var http = "127.0.0.1:8025"
    @Option(help: "Write each received message to this folder as NNNNNNNN.eml.") var maildir: String?
    @Option(help: "Messages kept in memory for the listing.") var keep = 1000
    @Option(help: "The Tyntec API key the SMS API accepts (header apikey).") var tyntecKey = "sandbox-key"
    @Option(help: "Milliseconds an SMS stays ACCEPTED.") var smsAcceptedMs = 200
    @Option(help: "Milliseconds until an SMS is in its final state (BUFFERED before).") var smsFinalMs = 800
    @Option(help: "Share (0 to 1) of SMS that end EXPIRED, REJECTED or UNDELIVERABLE.") var smsFailureShare = 0.0
    @Option(help: "Share (0 to 1) of SMS API requests answered 429 Too Many Requests.") var smsRateLimitShare = 0.0
    @Option(help: "Share (0 to 1) of delivery reports pushed twice (to an SMS's callbackUrl).") var smsReportDuplicates = 0.0
    @Flag(help: "Push an SMS's final report before its BUFFERED one.") var smsReportReorder = false
    @Option(help: "Each delivery report waits up to this many milliseconds more, at random.") var smsReportLateMs = 0
    @Option(help: "herald-api's inbound SMS URL (with its token), where the inbox page's replies go.") var inboundURL: String?
    @Option(help: "host:port of herald-inbound: mail to a recipient starting with 'bounce' is taken, then bounced there to its Return-Path.")
    var bounceSmtp: String?

    func run() async throws {
        ProcessRuntime.nameProcess("herald-sandbox")
        var logger = Logger(label: "herald-sandbox")
        logger.logLevel = Environment().optional(.logLevel).flatMap(Logger.Level.init(rawValue:)) ?? .info
        let (smtpHost, smtpPort) = try Self.address(smtp, option: "--smtp")
        let (httpHost, httpPort) = try Self.address(http, option: "--http")
        let store = try MailStore(keep: keep, directory: maildir.map { URL(fileURLWithPath: $0) })
        let bouncer = try bounceSmtp.map { raw in
            let (host, port) = try Self.address(raw, option: "--bounce-smtp")
            return try Bouncer(url: "smtp://\(host):\(port)", logger: logger)
        }
        let sink = SMTPSink(host: smtpHost, port: smtpPort, store: store, bouncer: bouncer, logger: logger)
        guard (0...1).contains(smsFailureShare), (0...1).contains(smsRateLimitShare), (0...1).contains(smsReportDuplicates)
        else {
            throw ValidationError("--sms-failure-share, --sms-rate-limit-share and --sms-report-duplicates are shares between 0 and 1")
        }
        let tyntec = TyntecSandbox(settings: .init(
            apiKey: tyntecKey, acceptedFor: .milliseconds(smsAcceptedMs), finalAfter: .milliseconds(smsFinalMs),
            failureShare: smsFailureShare, sendRateLimitShare: smsRateLimitShare, pollRateLimitShare: smsRateLimitShare,
            duplicateShare: smsReportDuplicates, reorder: smsReportReorder, lateness: .milliseconds(max(0, smsReportLateMs)),
            inboundURL: inboundURL))
        let app = Application(
            router: SandboxHTTP.router(store: store, tyntec: tyntec, callbacks: CallbackInbox(keep: keep)),
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
