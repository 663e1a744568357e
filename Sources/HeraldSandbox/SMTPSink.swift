package import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The sandbox's SMTP server: accepts every message (except addresses meant to fail) into a `MailStore`.
package struct SMTPSink: Service {
    package let host: String
    package let port: Int
    package let store: MailStore
    let bouncer: Bouncer?
    let logger: Logger

    package init(host: String, port: Int, store: MailStore, bouncer: Bouncer? = nil, logger: Logger) {
        self.host = host
        self.port = port
        self.store = store
        self.bouncer = bouncer
        self.logger = logger
    }

    package func run() async throws {
        let store = store
        let bouncer = bouncer
        // Every session on one event loop: a sink does little per line, and one busy thread that finds several
        // sessions ready at each wakeup costs less CPU than two threads waking for one line each.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton.next())
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SMTPSessionHandler(store: store, bouncer: bouncer))
                }
            }
            .bind(host: host, port: port).get()
        logger.info("SMTP sink listening", metadata: ["address": "\(host):\(port)"])
        try? await gracefulShutdown()
        try await channel.close()
    }
}
