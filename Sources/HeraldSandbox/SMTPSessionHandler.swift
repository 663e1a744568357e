import Foundation
import NIOCore

/// One SMTP session of the sandbox sink: EHLO/HELO, AUTH PLAIN/LOGIN (any credentials), MAIL, RCPT, DATA, RSET,
/// NOOP, QUIT. Recipients whose local part starts with `reject` get a 550 and with `tempfail` a 451, so the failure
/// paths can be shown without a real provider; with a `Bouncer`, those starting with `bounce` are taken and then
/// bounced to the envelope sender.
final class SMTPSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Phase {
        case command
        case authPlain
        case authLoginUser
        case authLoginPassword
        case data
    }

    private let store: MailStore
    private let bouncer: Bouncer?
    private var buffer = ByteBuffer()
    private var phase = Phase.command
    private var from: String?
    private var recipients: [String] = []
    private var data: [UInt8] = []
    static let maxSize = 10 << 20

    init(store: MailStore, bouncer: Bouncer? = nil) {
        self.store = store
        self.bouncer = bouncer
    }

    func channelActive(context: ChannelHandlerContext) {
        reply(context, "220 herald-sandbox ESMTP ready")
        context.flush()
    }

    /// Handles every complete line received, in place: a line is a view into the buffer, copied only into the
    /// message being received, and the buffer is compacted once per read rather than once per line.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while true {
            let view = buffer.readableBytesView
            guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else { break }
            var end = newline
            if end > view.startIndex, view[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            handle(view[view.startIndex..<end], context: context)
            buffer.moveReaderIndex(forwardBy: newline - view.startIndex + 1)
        }
        buffer.discardReadBytes()
        if buffer.readableBytes > Self.maxSize { buffer.clear() }
        context.flush()
    }

    private func handle(_ line: ByteBufferView, context: ChannelHandlerContext) {
        switch phase {
        case .data:
            if line.count == 1, line.first == UInt8(ascii: ".") {
                store.add(from: from ?? "", recipients: recipients, data: data)
                let bounced = recipients.filter(Bouncer.wantsBounce)
                if let bouncer, !bounced.isEmpty { bouncer.bounce(sender: from ?? "", recipients: bounced, original: data) }
                reply(context, "250 2.0.0 OK: queued as \(store.count)")
                resetTransaction()
                phase = .command
            } else {
                // Undo dot-stuffing (RFC 5321 4.5.2).
                let unstuffed = line.first == UInt8(ascii: ".") ? line.dropFirst() : line[...]
                if data.count + unstuffed.count < Self.maxSize {
                    data.append(contentsOf: unstuffed)
                    data.append(13)
                    data.append(10)
                }
            }
            return
        case .authPlain, .authLoginPassword:
            phase = .command
            reply(context, "235 2.7.0 Authentication successful")
            return
        case .authLoginUser:
            phase = .authLoginPassword
            reply(context, "334 UGFzc3dvcmQ6")
            return
        case .command:
            break
        }
        let text = String(decoding: line, as: UTF8.self)
        let verb = text.prefix(while: { $0 != " " && $0 != ":" }).uppercased()
        let argument = text.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
        switch verb {
        case "EHLO":
            reply(context, "250-herald-sandbox\r\n250-8BITMIME\r\n250-PIPELINING\r\n250-SIZE \(Self.maxSize)\r\n250 AUTH PLAIN LOGIN")
        case "HELO":
            reply(context, "250 herald-sandbox")
        case "AUTH":
            let parts = argument.split(separator: " ")
            switch parts.first?.uppercased() {
            case "PLAIN" where parts.count > 1: reply(context, "235 2.7.0 Authentication successful")
            case "PLAIN": phase = .authPlain; reply(context, "334 ")
            case "LOGIN": phase = .authLoginUser; reply(context, "334 VXNlcm5hbWU6")
            default: reply(context, "504 5.5.4 Unrecognized authentication type")
            }
        case "MAIL":
            resetTransaction()
            from = Self.path(argument)
            reply(context, "250 2.1.0 OK")
        case "RCPT":
            guard from != nil else { return reply(context, "503 5.5.1 MAIL first") }
            let recipient = Self.path(argument)
            let local = recipient.split(separator: "@").first.map { $0.lowercased() } ?? ""
            if local.hasPrefix("reject") {
                reply(context, "550 5.1.1 <\(recipient)>: Recipient address rejected")
            } else if local.hasPrefix("tempfail") {
                reply(context, "451 4.3.0 <\(recipient)>: Temporary failure, try again later")
            } else {
                recipients.append(recipient)
                reply(context, "250 2.1.5 OK")
            }
        case "DATA":
            guard !recipients.isEmpty else { return reply(context, "554 5.5.1 No valid recipients") }
            phase = .data
            data = []
            reply(context, "354 End data with <CR><LF>.<CR><LF>")
        case "RSET":
            resetTransaction()
            reply(context, "250 2.0.0 OK")
        case "NOOP":
            reply(context, "250 2.0.0 OK")
        case "QUIT":
            reply(context, "221 2.0.0 Bye")
            context.flush()
            context.close(promise: nil)
        default:
            reply(context, "502 5.5.2 Command not recognized")
        }
    }

    private func resetTransaction() {
        from = nil
        recipients = []
        data = []
    }

    /// The address inside `FROM:<a@b> SIZE=1` or `TO:<a@b>`.
    static func path(_ argument: String) -> String {
        guard let open = argument.firstIndex(of: "<"), let close = argument[open...].firstIndex(of: ">") else {
            return String(argument.drop(while: { $0 != ":" }).dropFirst()).trimmingCharacters(in: .whitespaces)
        }
        return String(argument[argument.index(after: open)..<close])
    }

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: text + "\r\n")), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
