import HeraldIntake
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import HeraldCore

/// Answers a request the HTTP parser refused (bytes that are not HTTP, a raw non-ASCII path, a control character in
/// a header, headers over the size limit) with a problem+json body and closes the connection, where the server
/// would otherwise send an empty 400.
final class ParserErrorResponder: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        let tooLarge = error == .headerOverflow
        let problem = Problem(
            tooLarge ? .requestHeaderFieldsTooLarge : .badRequest, type: "malformed-request",
            title: tooLarge ? "Request headers too large" : "Malformed request",
            detail: tooLarge ? "the request's headers exceed 80 KiB" : "the request is not valid HTTP/1.1 (\(error))")
        let body = ByteBuffer(string: problem.json.encoded())
        let head = HTTPResponse(status: problem.status, headerFields: [
            .contentType: "application/problem+json", .contentLength: "\(body.readableBytes)", .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}
