import AsyncHTTPClient
import Foundation
import HeraldAPI
import HeraldBus
import HeraldCore
import HeraldProviders
import HeraldSandbox
import HeraldRuntime
import HeraldStore
import HeraldWorkers
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Testing
import PostgresNIO

/// The fleet as the executables run it (API with relay, renderer, email and SMS senders, delivery-status pollers),
/// in-process, on a schema and a vhost of the test's own. Email goes over SMTP with STARTTLS and AUTH to aiosmtpd, a
/// server Herald did not write; SMS go over HTTP to the sandbox's Tyntec-compatible API.
struct TestFleet {
    let api: String
    /// A second API replica on the same database and broker.
    let api2: String
    let key: String
    /// An operator key of tenant `default`, for the fleet-wide routes (dead letters).
    let operatorKey: String
    let database: Database
    let bus: BusClient
    let smtp: SMTPServerProcess
    let topology: Topology
    let tyntec: TyntecSandbox
    let tyntecURL: String
    /// The time as the API and the digest aggregator see it; starts at the real time.
    let clock: ManualClock
    /// The digest aggregator, run on demand (`aggregateOnce`) rather than on its timer.
    let digest: DigestAggregator

    static let topology = Topology(retryDelays: [.milliseconds(200), .milliseconds(400)], deliveryLimit: 5)

    static let pollDelays: [Duration] = [.milliseconds(300), .milliseconds(300), .milliseconds(600)]

    /// Delays as a setting such as `300,300,600`.
    static func milliseconds(_ delays: [Duration]) -> String {
        delays.map { "\($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)" }
            .joined(separator: ",")
    }

    static func with(
        relayGrace: Duration = .milliseconds(300), tyntec tyntecSettings: TyntecSandbox.Settings = .init(),
        tyntecKey: String = "sandbox-key", pollers: Int = 1, smsValidity: Duration = .seconds(60),
        _ body: (TestFleet) async throws -> Void
    ) async throws {
        let logger = TestInfrastructure.logger
        try await TestInfrastructure.withDatabase { database in
            try await TestInfrastructure.withVhost { amqp in
                let smtp = try SMTPServerProcess.start()
                defer { smtp.stop() }
                let apiBus = try await BusClient.connect(amqp, logger: logger)
                let renderBus = try await BusClient.connect(amqp, logger: logger)
                let emailBus = try await BusClient.connect(amqp, logger: logger)
                let smsBus = try await BusClient.connect(amqp, logger: logger)
                let callbackBus = try await BusClient.connect(amqp, logger: logger)
                try await topology.declare(on: apiBus)
                let recovery = RecoveryPolicy(
                    publishGrace: relayGrace, jobTimeout: .seconds(60), sendingTimeout: .seconds(60), maxAttempts: topology.maxAttempts)
                let infrastructure = Infrastructure(database: database, bus: apiBus, recovery: recovery)
                var configuration = try APIConfiguration(environment: Environment(["HERALD_CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8"]))
                configuration.relayInterval = .milliseconds(100)
                // The workers are built by the factories the executables use, from settings as the environment
                // gives them.
                let tyntec = TyntecSandbox(settings: tyntecSettings)
                let tyntecPort = Mutex<Int?>(nil)
                let tyntecApp = Application(
                    router: SandboxHTTP.router(store: try MailStore(keep: 1, directory: nil), tyntec: tyntec),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { channel in tyntecPort.withLock { $0 = channel.localAddress?.port } },
                    logger: logger)
                let tyntecServer = Task { try await tyntecApp.runService() }
                defer { tyntecServer.cancel() }
                try await eventually("the Tyntec sandbox listens") { tyntecPort.withLock { $0 } != nil }
                let tyntecURL = "http://127.0.0.1:\(tyntecPort.withLock { $0 }!)"
                let environment = Environment([
                    "HERALD_RETRY_DELAYS_MS": milliseconds(topology.retryDelays),
                    "HERALD_DELIVERY_LIMIT": "\(topology.deliveryLimit)", "HERALD_PREFETCH": "100", "HERALD_CONCURRENCY": "2",
                    "HERALD_SMTP_URL": "smtp://herald:secret@localhost:\(smtp.port)", "HERALD_SMTP_TLS": "required",
                    "HERALD_SMTP_CA_FILE": smtp.certificate, "HERALD_SMTP_TIMEOUT_SECONDS": "10", "HERALD_SMTP_CONNECTIONS": "4",
                    "HERALD_SMTP_FROM": "Herald Tests <noreply@herald.test>",
                    "HERALD_TYNTEC_URL": tyntecURL, "HERALD_TYNTEC_API_KEY": tyntecKey, "HERALD_TYNTEC_CONNECTIONS": "8",
                    "HERALD_TYNTEC_TIMEOUT_SECONDS": "5", "HERALD_SMS_FROM": "HeraldTest", "HERALD_POLL_DELAYS_MS": milliseconds(pollDelays),
                    "HERALD_POLL_BATCH": "50", "HERALD_POLL_CONCURRENCY": "8", "HERALD_POLL_LEASE_SECONDS": "5",
                    "HERALD_DIGEST_BATCH": "100", "HERALD_CALLBACK_RELAY_INTERVAL_MS": "50", "HERALD_CALLBACK_TIMEOUT_MS": "2000",
                    "HERALD_CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8",
                ])
                let callbacks = try CallbacksProcess(environment: environment)
                let callbackClient = CallbackClient(configuration: callbacks.client)
                let renderer = try RendererProcess(environment: environment)
                let email = try EmailProcess(environment: environment)
                var sms = try SMSProcess(environment: environment)
                sms.sms.tyntec.validity = smsValidity
                var poller = try PollerProcess(environment: environment)
                poller.sms.poller.idle = .milliseconds(20)
                let sender = try SMTPSender(configuration: email.email.smtp)
                let tyntecClient = TyntecClient(configuration: sms.sms.tyntec)
                let clock = ManualClock()
                let digest = try DigestProcess(environment: environment).aggregator(
                    infrastructure: infrastructure, clock: clock, logger: logger)

                let ports = Mutex<[Int?]>([nil, nil])
                let apps = (0..<2).map { replica in
                    Application(
                        router: HeraldAPIService.router(
                            stores: APIStores(infrastructure: infrastructure, logger: logger), configuration: configuration,
                            clock: clock, logger: logger),
                        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                        onServerRunning: { channel in ports.withLock { $0[replica] = channel.localAddress?.port } },
                        logger: logger)
                }
                var services: [any Service] = HeraldAPIService.services(
                    infrastructure: infrastructure, configuration: { var c = configuration; c.mode = .relay; return c }(),
                    logger: logger)
                services += apps as [any Service]
                services.append(HeraldAPIService.intakeConsumer(
                    infrastructure: infrastructure, configuration: configuration, logger: logger))
                services += try await callbacks.services(
                    infrastructure: Infrastructure(database: database, bus: callbackBus, recovery: recovery),
                    client: callbackClient, logger: logger)
                services += try await renderer.services(
                    infrastructure: Infrastructure(database: database, bus: renderBus, recovery: recovery), logger: logger)
                services += try await email.services(
                    infrastructure: Infrastructure(database: database, bus: emailBus, recovery: recovery), sender: sender,
                    logger: logger)
                services += try await sms.services(
                    infrastructure: Infrastructure(database: database, bus: smsBus, recovery: recovery), client: tyntecClient,
                    logger: logger)
                for _ in 0..<pollers { services += poller.services(database: database, client: tyntecClient, logger: logger) }
                let group = ServiceGroup(services: services, logger: logger)
                let running = Task { try await group.run() }
                defer { running.cancel() }

                try await eventually("the APIs listen") { ports.withLock { $0.allSatisfy { $0 != nil } } }
                let (port, port2) = ports.withLock { ($0[0]!, $0[1]!) }
                let keys = APIKeyRepository(database: database, logger: logger)
                let (_, key) = try await keys.create(name: "tests")
                let (_, operatorKey) = try await keys.create(name: "operator", isOperator: true)
                let fleet = TestFleet(
                    api: "http://127.0.0.1:\(port)", api2: "http://127.0.0.1:\(port2)",
                    key: key, operatorKey: operatorKey, database: database, bus: apiBus,
                    smtp: smtp, topology: topology, tyntec: tyntec, tyntecURL: tyntecURL, clock: clock, digest: digest)
                do {
                    try await body(fleet)
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
                _ = try? await running.value
                for bus in [apiBus, renderBus, emailBus, smsBus, callbackBus] { await bus.shutdown() }
                try await callbackClient.shutdown()
                try await sender.shutdown()
                try await tyntecClient.shutdown()
            }
        }
    }

    struct Reply {
        let status: Int
        let body: JSONValue
        let headers: [(String, String)]

        subscript(key: String) -> JSONValue? { body.object?[key] }

        var contentType: String? { headers.first { $0.0.lowercased() == "content-type" }?.1 }
        var invalidParams: [String] {
            body.object?["invalid-params"]?.array?.compactMap { $0.object?["name"]?.string } ?? []
        }
    }

    @discardableResult
    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = [],
        authorized: Bool = true, as key: String? = nil, replica: Int = 0
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: (replica == 0 ? api : api2) + path)
        request.method = method
        if authorized { request.headers.add(name: "Authorization", value: "Bearer \(key ?? self.key)") }
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let json = bytes.readableBytes == 0 ? JSONValue.null : ((try? JSONValue.parse(Array(bytes.readableBytesView))) ?? .null)
        return Reply(status: Int(response.status.code), body: json, headers: response.headers.map { ($0.name, $0.value) })
    }

    /// A new tenant with these limits and a key for it.
    func tenant(_ name: String, ratePerMinute: Int? = nil, burst: Int? = nil, defaultLocale: String? = nil) async throws -> String {
        let logger = TestInfrastructure.logger
        _ = try await TenantRepository(database: database, logger: logger)
            .create(name: name, ratePerMinute: ratePerMinute, burst: burst, defaultLocale: defaultLocale)
        return try await APIKeyRepository(database: database, logger: logger).create(name: "key", tenant: name).secret
    }

    /// Stores a template and fails the test if the API refuses it.
    func putTemplate(_ name: String, _ json: String, as key: String? = nil) async throws {
        let reply = try await request(.PUT, "/v1/templates/\(name)", body: json, as: key)
        #expect(reply.status == 201, "template \(name): \(reply.body)")
    }

    /// Waits until every message is in a final state and returns the messages as the API shows them.
    func waitUntilFinal(_ ids: [String], as key: String? = nil, timeout: Duration = .seconds(30)) async throws -> [JSONValue] {
        var latest: [JSONValue] = []
        try await eventually("messages reach a final state", timeout: timeout) {
            latest = []
            for id in ids { latest.append(try await request(.GET, "/v1/messages/\(id)", as: key).body) }
            return latest.allSatisfy { message in
                let channel = MessageChannel(rawValue: message.object?["channel"]?.string ?? "") ?? .email
                return MessageState(rawValue: message.object?["state"]?.string ?? "")?.isFinal(for: channel) == true
            }
        }
        return latest
    }

    func messageCount() async throws -> Int {
        let rows = try await database.client.query("select count(*)::int8 from messages", logger: TestInfrastructure.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}

/// A clock the test sets.
final class ManualClock: HeraldClock {
    private let time = Mutex(Date())

    func now() -> Date { time.withLock { $0 } }
    func set(_ date: Date) { time.withLock { $0 = date } }
}

/// aiosmtpd (Tests/HeraldIntegrationTests/Support/smtp_server.py) with a fresh self-signed certificate.
final class SMTPServerProcess: Sendable {
    let port: Int
    let folder: URL
    let certificate: String
    private let process: Process

    private init(port: Int, folder: URL, certificate: String, process: Process) {
        self.port = port
        self.folder = folder
        self.certificate = certificate
        self.process = process
    }

    static func start() throws -> SMTPServerProcess {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(TestInfrastructure.uniqueName("smtp"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        try TestInfrastructure.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
        ])
        let mail = folder.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: mail, withIntermediateDirectories: true)
        let (process, port) = try startPythonServer("smtp_server.py", [mail.path, certificate, key])
        return SMTPServerProcess(port: port, folder: mail, certificate: certificate, process: process)
    }

    /// Every message received so far, as parsed by Python's email package.
    func received() throws -> [JSONValue] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { try JSONValue.parse(Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }

    /// Kills the server. `Process.waitUntilExit()` spins on a run loop off the main thread on Linux, so no wait.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
    }
}
