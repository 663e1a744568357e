package import NIOCore

/// One line the client sent, without its line end; `ended` is false for a piece of a line longer than the splitter's
/// `maxLength`, which arrives in several pieces rather than growing a buffer without bound.
package struct SMTPLine: Sendable {
    package var bytes: ByteBuffer
    package var ended: Bool
}

/// Splits what an SMTP client sends into lines (CRLF, or a bare LF from a sloppy client), passing on all the
/// complete lines of one read together: a mail of fifty lines costs the session a few wakeups, not fifty.
final class SMTPLineSplitter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = [SMTPLine]
    let maxLength: Int
    private var buffer = ByteBuffer()

    init(maxLength: Int) {
        self.maxLength = maxLength
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        var lines: [SMTPLine] = []
        while true {
            let view = buffer.readableBytesView
            guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
                guard buffer.readableBytes >= maxLength, let piece = buffer.readSlice(length: maxLength) else { break }
                lines.append(SMTPLine(bytes: piece, ended: false))
                continue
            }
            let length = newline - view.startIndex
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == UInt8(ascii: "\r") { line = line.getSlice(at: line.readerIndex, length: length - 1)! }
            lines.append(SMTPLine(bytes: line, ended: true))
        }
        buffer.discardReadBytes()
        if !lines.isEmpty { context.fireChannelRead(wrapInboundOut(lines)) }
    }
}
