import Foundation
import HeraldRuntime
package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle

/// herald-inbound's SMTP listener: one `InboundSession` per connection, read a line at a time. Bound before the
/// process starts its services, so an address in use is the process's one line at start.
package final class InboundSMTPServer: Service, Sendable {
    package typealias Connection = NIOAsyncChannel<[SMTPLine], ByteBuffer>
    let server: NIOAsyncChannel<Connection, Never>
    let makeSession: @Sendable () -> InboundSession
    let beforeAccepting: @Sendable () async throws -> Void
    let idleTimeout: TimeAmount
    let logger: Logger

    /// Binds `host:port` (`setting` names it in the error when it cannot). Connections wait in the backlog until
    /// `beforeAccepting` (run once the process's services are up) has returned.
    package init(
        host: String, port: Int, setting: String, idleTimeout: TimeAmount = .minutes(5), logger: Logger,
        beforeAccepting: @escaping @Sendable () async throws -> Void = {},
        makeSession: @escaping @Sendable () -> InboundSession
    ) async throws {
        let maxLine = 64 << 10
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                        try channel.pipeline.syncOperations.addHandler(CloseWhenIdle())
                        try channel.pipeline.syncOperations.addHandler(SMTPLineSplitter(maxLength: maxLine))
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ConfigurationError("\(setting): \(host):\(port) is already in use")
        } catch {
            throw ConfigurationError("\(setting): cannot listen on \(host):\(port): \(error)")
        }
        self.makeSession = makeSession
        self.beforeAccepting = beforeAccepting
        self.idleTimeout = idleTimeout
        self.logger = logger
    }

    /// Accepts connections until shutdown; then stops accepting and lets the sessions under way finish.
    package func run() async throws {
        let server = server
        try await beforeAccepting()
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.converse(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
    }

    func converse(_ connection: Connection) async {
        var session = makeSession()
        do {
            try await connection.executeThenClose { reads, replies in
                try await replies.write(ByteBuffer(string: session.greeting + "\r\n"))
                for try await lines in reads {
                    // The replies to one read's lines (pipelined commands) go out together.
                    var answer = ""
                    for line in lines {
                        guard let reply = await session.handle(line.bytes.readableBytesView, ended: line.ended) else { continue }
                        answer += reply + "\r\n"
                        if session.closed { break }
                    }
                    if !answer.isEmpty { try await replies.write(ByteBuffer(string: answer)) }
                    if session.closed { return }
                }
            }
        } catch {
            logger.debug("an SMTP session ended: \(error)")
        }
    }
}

/// Closes a connection that sent nothing for the idle timeout.
final class CloseWhenIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
