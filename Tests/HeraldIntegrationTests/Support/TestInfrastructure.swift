import Foundation
import HeraldBus
import HeraldCore
import Synchronization
import HeraldRuntime
import HeraldStore
import Logging
import Testing
import PostgresNIO

/// Integration tests find PostgreSQL and RabbitMQ through the same variables as production; each test gets a schema
/// and a vhost of its own, so tests run in parallel without seeing each other's rows or queues.
enum TestInfrastructure {
    static let environment = Environment()
    static var logger: Logger {
        var logger = Logger(label: "herald.test")
        logger.logLevel = environment.optional(.logLevel, role: .ctl).flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }

    static var databaseURL: String { try! environment.string(.databaseURL) }
    static var amqpURL: String { try! environment.string(.amqpURL) }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
    }

    /// A migrated database in a fresh schema, dropped afterwards.
    static func withDatabase<T>(migrate: Bool = true, _ body: (Database) async throws -> T) async throws -> T {
        let schema = uniqueName("test")
        let admin = Database(try DatabaseConfiguration(url: databaseURL, maximumConnections: 2), logger: logger)
        let adminTask = Task { await admin.run() }
        defer { adminTask.cancel() }
        try await admin.client.query("create schema \(unescaped: schema)", logger: logger)
        var configuration = try DatabaseConfiguration(url: databaseURL, maximumConnections: 10)
        configuration.schema = schema
        let database = Database(configuration, logger: logger)
        let task = Task { await database.run() }
        do {
            if migrate { try await Migrator(database: database, logger: logger).migrate() }
            let result = try await body(database)
            task.cancel()
            try await admin.client.query("drop schema \(unescaped: schema) cascade", logger: logger)
            return result
        } catch {
            task.cancel()
            _ = try? await admin.client.query("drop schema \(unescaped: schema) cascade", logger: logger)
            throw error
        }
    }

    /// The broker configuration for a vhost of the test's own. Vhosts come from a pool the first test creates with
    /// one `rabbitmqctl eval` (each `rabbitmqctl` call starts an Erlang VM, and creating and deleting a vhost per
    /// test, dozens at once, has wedged RabbitMQ's vhost supervision). They are not deleted: see `scripts/test.sh`.
    static func withVhost<T>(_ body: (AMQPConfiguration) async throws -> T) async throws -> T {
        var configuration = try AMQPConfiguration(url: amqpURL, connectionName: "herald-test")
        configuration.vhost = try await vhosts.take()
        // Dozens of tests declaring quorum queues at once keep a 2-core broker busy: give its handshakes time.
        configuration.timeout = .seconds(30)
        return try await body(configuration)
    }

    /// `HERALD_TEST_VHOSTS` vhosts (default 48): at least one per test that uses the broker.
    static let vhosts = VhostPool(size: Int(ProcessInfo.processInfo.environment["HERALD_TEST_VHOSTS"] ?? "") ?? 48)

    actor VhostPool {
        let size: Int
        let prefix = uniqueName("herald-test") + "-"
        private var created: Task<Void, any Error>?
        private var next = 0

        init(size: Int) {
            self.size = size
        }

        func take() async throws -> String {
            if created == nil {
                let (prefix, size, user) = (prefix, size, try AMQPConfiguration(url: amqpURL).user)
                created = Task {
                    try await TestInfrastructure.runOffThePool("/usr/sbin/rabbitmqctl", ["-q", "eval", """
                        [begin ok = rabbit_vhost:add(V, <<"herald-tests">>),
                               rabbit_auth_backend_internal:set_permissions(<<"\(user)">>, V, <<".*">>, <<".*">>, <<".*">>, <<"herald-tests">>),
                               ok = rabbit_vhost:await_running_on_all_nodes(V, 60000)
                         end || N <- lists:seq(1, \(size)), V <- [list_to_binary("\(prefix)" ++ integer_to_list(N))]], ok.
                        """])
                }
            }
            try await created!.value
            next += 1
            precondition(next <= size, "more tests than pooled vhosts; raise HERALD_TEST_VHOSTS")
            return "\(prefix)\(next)"
        }
    }

    /// Runs a command on a thread of its own, so that waiting for it holds no thread of the concurrency pool.
    @discardableResult
    static func runOffThePool(_ executable: String, _ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try run(executable, arguments) }) }.start()
        }
    }

    /// A connected bus in a fresh vhost with Herald's topology declared.
    static func withBus<T>(
        topology: Topology = Topology(retryDelays: [.milliseconds(200), .milliseconds(400)], deliveryLimit: 3),
        _ body: (BusClient, AMQPConfiguration) async throws -> T
    ) async throws -> T {
        try await withVhost { configuration in
            let bus = try await BusClient.connect(configuration, publishTimeout: .seconds(20), logger: logger)
            do {
                try await topology.declare(on: bus)
                let result = try await body(bus, configuration)
                await bus.shutdown()
                return result
            } catch {
                await bus.shutdown()
                throw error
            }
        }
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    @discardableResult
    static func rabbitmqctl(_ arguments: String...) async throws -> String {
        try await runOffThePool("/usr/sbin/rabbitmqctl", ["-q"] + arguments)
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "\(executable) \(arguments.joined(separator: " ")): \(text)")
        }
        return text
    }
}

/// Collects deliveries from a stream until a condition holds or time runs out.
func collect(
    _ deliveries: BusClient.Deliveries, timeout: Duration = .seconds(30),
    until done: @escaping @Sendable ([BusDelivery]) -> Bool,
    each: @escaping @Sendable (BusDelivery) async throws -> Void
) async throws -> [BusDelivery] {
    try await withThrowingTaskGroup(of: [BusDelivery]?.self) { group in
        group.addTask {
            var received: [BusDelivery] = []
            for try await batch in deliveries {
                for delivery in batch {
                    received.append(delivery)
                    try await each(delivery)
                }
                if done(received) { return received }
            }
            return received
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next()!
        group.cancelAll()
        guard let received = first else {
            Issue.record("timed out after \(timeout)")
            return []
        }
        return received
    }
}

/// Polls until `condition` holds (quorum queues apply requeues and counts asynchronously), failing after `timeout`.
func eventually(
    _ what: String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("not true within \(timeout): \(what)")
}

/// Publishes 300 jobs, consumes them with acks, calls `disrupt` once 100 are acked, and checks that every job was
/// acked after all: nothing is lost across whatever `disrupt` does to the broker connection.
func expectNothingLost(
    bus: BusClient, timeout: Duration = .seconds(30), disrupt: @escaping @Sendable () async throws -> Void
) async throws {
    let jobs = (0..<300).map { _ in Job(messageID: UUID()) }
    try await bus.publishJobs(jobs, to: .render)
    let acked = Mutex(Set<Job>())
    let disrupted = Mutex(false)
    _ = try await collect(bus.consume(queue: Stage.render.queue, prefetch: 20), timeout: timeout, until: { _ in
        acked.withLock { $0.count } == jobs.count
    }) { delivery in
        if acked.withLock({ $0.count }) >= 100, !disrupted.withLock({ $0 }) {
            disrupted.withLock { $0 = true }
            try await disrupt()
        }
        try await Task.sleep(for: .milliseconds(2))
        let job = try Job.decode(delivery.body)
        acked.withLock { _ = $0.insert(job) }
        bus.ack(delivery)
    }
    #expect(disrupted.withLock { $0 })
    #expect(acked.withLock { $0 } == Set(jobs))
}
