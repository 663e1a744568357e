import NIOCore

/// One line the client sent, without its line end; `ended` is false for a piece of a line longer than the decoder's
/// `maxLength`, which arrives in several pieces rather than growing a buffer without bound.
public struct SMTPLine: Sendable {
    public var bytes: ByteBuffer
    public var ended: Bool
}

/// Splits what an SMTP client sends into lines (CRLF, or a bare LF from a sloppy client).
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPLine
    let maxLength: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            guard buffer.readableBytes >= maxLength, let piece = buffer.readSlice(length: maxLength) else { return .needMoreData }
            context.fireChannelRead(wrapInboundOut(SMTPLine(bytes: piece, ended: false)))
            return .continue
        }
        let length = newline - view.startIndex
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") { line = line.getSlice(at: line.readerIndex, length: length - 1)! }
        context.fireChannelRead(wrapInboundOut(SMTPLine(bytes: line, ended: true)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        .needMoreData
    }
}
