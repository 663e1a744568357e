import CRabbitMQ
import Foundation

/// One rabbitmq-c connection. Not thread-safe: it is created, used and closed by one `BusClient` thread only.
///
/// Channel 1 publishes in confirm mode, channel 2 consumes, channel 3 carries declarations, so that a declaration the
/// broker refuses (which closes its channel) does not disturb publishing or consuming.
final class AMQPConnection {
    static let publishChannel: amqp_channel_t = 1
    static let consumeChannel: amqp_channel_t = 2
    static let adminChannel: amqp_channel_t = 3

    enum Frame {
        case ack(tag: UInt64, multiple: Bool)
        case nack(tag: UInt64, multiple: Bool)
        /// A mandatory publish the broker could not route; `publishTag` is what we put in its message id.
        case returned(publishTag: UInt64?, replyText: String)
        case delivery(BusDelivery)
        case consumerCancelled
        case channelClosed(channel: amqp_channel_t, code: UInt16, text: String)
    }

    private let state: amqp_connection_state_t
    let configuration: AMQPConfiguration
    private(set) var isOpen = false
    let generation: Int
    private var adminChannelOpen = false

    init(configuration: AMQPConfiguration, generation: Int) throws(BusError) {
        guard let state = amqp_new_connection() else {
            throw BusError(.protocolError, "could not allocate a connection")
        }
        self.state = state
        self.configuration = configuration
        self.generation = generation
        // A throwing initializer still runs deinit once every property is set, which destroys the state.
        try open()
        isOpen = true
    }

    deinit {
        if isOpen {
            _ = amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
        }
        amqp_destroy_connection(state)
    }

    private func open() throws(BusError) {
        guard let socket = amqp_tcp_socket_new(state) else {
            throw BusError(.protocolError, "could not create a socket")
        }
        var timeout = Self.timeval(configuration.timeout)
        let status = amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &timeout)
        if status != AMQP_STATUS_OK.rawValue {
            let reason = String(cString: amqp_error_string2(status))
            let code: BusError.Code = status == AMQP_STATUS_TIMEOUT.rawValue ? .timeout : .connectionRefused
            throw BusError(code, "\(configuration.host):\(configuration.port): \(reason)")
        }
        _ = amqp_set_handshake_timeout(state, &timeout)
        _ = amqp_set_rpc_timeout(state, &timeout)
        let reply = herald_amqp_login(
            state, configuration.vhost, Int32(configuration.heartbeat), configuration.user, configuration.password,
            configuration.connectionName)
        if reply.reply_type != AMQP_RESPONSE_NORMAL {
            throw loginError(reply)
        }
        try openChannel(Self.publishChannel)
        guard amqp_confirm_select(state, Self.publishChannel) != nil else {
            throw rpcError("confirm.select")
        }
    }

    private func loginError(_ reply: amqp_rpc_reply_t) -> BusError {
        if reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION, reply.reply.id == HERALD_CONNECTION_CLOSE {
            let close = reply.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            let text = Self.string(close.reply_text)
            let code: BusError.Code = switch Int32(close.reply_code) {
            case AMQP_ACCESS_REFUSED: text.contains("Login was refused") ? .authenticationFailed : .accessRefused
            case AMQP_NOT_ALLOWED: .accessRefused
            default: .connectionClosed
            }
            return BusError(code, "\(close.reply_code) \(text) (\(configuration))")
        }
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION {
            let reason = String(cString: amqp_error_string2(reply.library_error))
            // RabbitMQ drops the socket during the handshake when the credentials are wrong and the client did not
            // ask for an explicit close.
            if reply.library_error == AMQP_STATUS_CONNECTION_CLOSED.rawValue
                || reply.library_error == AMQP_STATUS_SOCKET_CLOSED.rawValue
            {
                return BusError(
                    .authenticationFailed, "broker closed the connection during login as \(configuration.user) (\(configuration))")
            }
            return BusError(.protocolError, "login: \(reason) (\(configuration))")
        }
        return BusError(.protocolError, "login failed (\(configuration))")
    }

    func openChannel(_ channel: amqp_channel_t) throws(BusError) {
        guard amqp_channel_open(state, channel) != nil else {
            throw rpcError("channel.open")
        }
    }

    /// Turns the last RPC reply into an error. A broker-closed channel is acknowledged so the connection stays usable.
    private func rpcError(_ operation: String, channel: amqp_channel_t = 0) -> BusError {
        let reply = amqp_get_rpc_reply(state)
        switch reply.reply_type {
        case AMQP_RESPONSE_SERVER_EXCEPTION where reply.reply.id == HERALD_CHANNEL_CLOSE:
            let close = reply.reply.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            var ok = amqp_channel_close_ok_t(dummy: 0)
            _ = amqp_send_method(state, channel, HERALD_CHANNEL_CLOSE_OK, &ok)
            if channel == Self.adminChannel { adminChannelOpen = false }
            return BusError(.channelClosed, "\(operation): \(close.reply_code) \(Self.string(close.reply_text))")
        case AMQP_RESPONSE_SERVER_EXCEPTION where reply.reply.id == HERALD_CONNECTION_CLOSE:
            let close = reply.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            isOpen = false
            return BusError(.connectionClosed, "\(operation): \(close.reply_code) \(Self.string(close.reply_text))")
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            let status = reply.library_error
            if status == AMQP_STATUS_TIMEOUT.rawValue {
                isOpen = false
                return BusError(.timeout, "\(operation): no answer from the broker")
            }
            isOpen = false
            return BusError(.connectionLost, "\(operation): \(String(cString: amqp_error_string2(status)))")
        default:
            return BusError(.protocolError, "\(operation) failed")
        }
    }

    // MARK: Declarations

    private func withAdminChannel<T>(_ body: () throws(BusError) -> T) throws(BusError) -> T {
        if !adminChannelOpen {
            try openChannel(Self.adminChannel)
            adminChannelOpen = true
        }
        return try body()
    }

    func declareExchange(_ name: String, type: String) throws(BusError) {
        try withAdminChannel { () throws(BusError) in
            let ok = name.withBytes { exchange in
                type.withBytes { kind in
                    amqp_exchange_declare(state, Self.adminChannel, exchange, kind, 0, 1, 0, 0, amqp_empty_table)
                }
            }
            if ok == nil { throw rpcError("declare exchange '\(name)'", channel: Self.adminChannel) }
        }
    }

    /// Declares a durable queue; `passive` only checks that it exists. Returns (messages ready, consumers).
    @discardableResult
    func declareQueue(_ name: String, arguments: [String: BusHeaderValue] = [:], passive: Bool = false)
        throws(BusError) -> (messages: UInt32, consumers: UInt32)
    {
        try withAdminChannel { () throws(BusError) in
            let ok = name.withBytes { queue in
                withTable(arguments) { table in
                    amqp_queue_declare(state, Self.adminChannel, queue, passive ? 1 : 0, 1, 0, 0, table)
                }
            }
            guard let ok else { throw rpcError("declare queue '\(name)'", channel: Self.adminChannel) }
            return (ok.pointee.message_count, ok.pointee.consumer_count)
        }
    }

    func bindQueue(_ queue: String, exchange: String, routingKey: String) throws(BusError) {
        try withAdminChannel { () throws(BusError) in
            let ok = queue.withBytes { q in
                exchange.withBytes { e in
                    routingKey.withBytes { k in amqp_queue_bind(state, Self.adminChannel, q, e, k, amqp_empty_table) }
                }
            }
            if ok == nil { throw rpcError("bind '\(queue)' to '\(exchange)'", channel: Self.adminChannel) }
        }
    }

    func purgeQueue(_ name: String) throws(BusError) -> UInt32 {
        try withAdminChannel { () throws(BusError) in
            let ok = name.withBytes { amqp_queue_purge(state, Self.adminChannel, $0) }
            guard let ok else { throw rpcError("purge '\(name)'", channel: Self.adminChannel) }
            return ok.pointee.message_count
        }
    }

    /// Takes one message without a consumer (for operator tools). It must be settled like any delivery.
    func get(queue: String) throws(BusError) -> BusDelivery? {
        try withAdminChannel { () throws(BusError) -> BusDelivery? in
            let reply = queue.withBytes { amqp_basic_get(state, Self.adminChannel, $0, 0) }
            guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
                throw rpcError("get from '\(queue)'", channel: Self.adminChannel)
            }
            guard reply.reply.id == HERALD_BASIC_GET_OK else { return nil }
            let ok = reply.reply.decoded.assumingMemoryBound(to: amqp_basic_get_ok_t.self).pointee
            var message = amqp_message_t()
            let read = amqp_read_message(state, Self.adminChannel, &message, 0)
            guard read.reply_type == AMQP_RESPONSE_NORMAL else { throw rpcError("read message") }
            defer { amqp_destroy_message(&message) }
            return BusDelivery(
                body: Self.bytes(message.body), headers: Self.headers(message.properties),
                exchange: Self.string(ok.exchange), routingKey: Self.string(ok.routing_key),
                // Its tag belongs to the admin channel: a generation no consumer has keeps `BusClient.ack` from
                // settling it on the consume channel; `settleAdmin` settles it.
                redelivered: ok.redelivered != 0, deliveryTag: ok.delivery_tag, generation: -generation - 1)
        }
    }

    /// Settles a delivery taken with `get`. One taken on an earlier connection is already back in its queue (the
    /// broker requeued it when that connection closed) and its tag means nothing here, so it is left alone.
    func settleAdmin(_ delivery: BusDelivery, ack: Bool) throws(BusError) {
        guard delivery.generation == -generation - 1 else {
            if ack { throw BusError(.connectionLost, "the connection that took the message closed before it was settled") }
            return
        }
        let status = ack
            ? amqp_basic_ack(state, Self.adminChannel, delivery.deliveryTag, 0)
            : amqp_basic_reject(state, Self.adminChannel, delivery.deliveryTag, 1)
        try check(status, "settle")
    }

    // MARK: Publishing and consuming

    /// Sends a persistent, mandatory publish on the confirm channel. `publishTag` travels as the message id so that a
    /// `basic.return` can be matched to its publish.
    func publish(_ message: BusMessage, publishTag: UInt64) throws(BusError) {
        var properties = amqp_basic_properties_t()
        properties._flags = amqp_flags_t(AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG
            | AMQP_BASIC_CONTENT_TYPE_FLAG | (message.headers.isEmpty ? 0 : AMQP_BASIC_HEADERS_FLAG))
        properties.delivery_mode = 2
        let tagString = String(publishTag)
        let status = tagString.withBytes { tagBytes in
            "application/json".withBytes { contentType in
                withTable(message.headers) { table in
                    properties.message_id = tagBytes
                    properties.content_type = contentType
                    properties.headers = table
                    return message.exchange.withBytes { exchange in
                        message.routingKey.withBytes { key in
                            message.body.withUnsafeBytes { body in
                                amqp_basic_publish(
                                    state, Self.publishChannel, exchange, key, 1, 0, &properties,
                                    amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress)))
                            }
                        }
                    }
                }
            }
        }
        try check(status, "publish")
    }

    func startConsuming(queue: String, prefetch: UInt16, consumerTag: String) throws(BusError) {
        try openChannel(Self.consumeChannel)
        guard amqp_basic_qos(state, Self.consumeChannel, 0, prefetch, 0) != nil else {
            throw rpcError("basic.qos", channel: Self.consumeChannel)
        }
        let ok = queue.withBytes { q in
            consumerTag.withBytes { tag in
                amqp_basic_consume(state, Self.consumeChannel, q, tag, 0, 0, 0, amqp_empty_table)
            }
        }
        if ok == nil { throw rpcError("consume '\(queue)'", channel: Self.consumeChannel) }
    }

    func cancelConsuming(consumerTag: String) {
        _ = consumerTag.withBytes { amqp_basic_cancel(state, Self.consumeChannel, $0) }
    }

    func ack(tag: UInt64, multiple: Bool) throws(BusError) {
        try check(amqp_basic_ack(state, Self.consumeChannel, tag, multiple ? 1 : 0), "ack")
    }

    func reject(tag: UInt64, requeue: Bool) throws(BusError) {
        try check(amqp_basic_reject(state, Self.consumeChannel, tag, requeue ? 1 : 0), "reject")
    }

    private func check(_ status: Int32, _ operation: String) throws(BusError) {
        guard status != AMQP_STATUS_OK.rawValue else { return }
        isOpen = false
        throw BusError(.connectionLost, "\(operation): \(String(cString: amqp_error_string2(status)))")
    }

    var socket: Int32 { amqp_get_sockfd(state) }

    /// Reads one frame if one is ready, servicing heartbeats either way. Returns nil when nothing is ready.
    func readFrame() throws(BusError) -> Frame? {
        var frame = amqp_frame_t()
        var zero = Foundation.timeval(tv_sec: 0, tv_usec: 0)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &zero)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        if status == AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue {
            isOpen = false
            throw BusError(.connectionLost, "missed heartbeats from the broker")
        }
        try check(status, "read")
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { return nil }
        let method = frame.payload.method
        switch method.id {
        case HERALD_BASIC_ACK:
            let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            return .ack(tag: ack.delivery_tag, multiple: ack.multiple != 0)
        case HERALD_BASIC_NACK:
            let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            return .nack(tag: nack.delivery_tag, multiple: nack.multiple != 0)
        case HERALD_BASIC_RETURN:
            let returned = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            let text = "\(returned.reply_code) \(Self.string(returned.reply_text))"
            var message = amqp_message_t()
            let read = amqp_read_message(state, frame.channel, &message, 0)
            guard read.reply_type == AMQP_RESPONSE_NORMAL else { throw rpcError("read returned message") }
            defer { amqp_destroy_message(&message) }
            let hasID = message.properties._flags & amqp_flags_t(AMQP_BASIC_MESSAGE_ID_FLAG) != 0
            let tag = hasID ? UInt64(Self.string(message.properties.message_id)) : nil
            return .returned(publishTag: tag, replyText: text)
        case HERALD_BASIC_DELIVER:
            let deliver = method.decoded.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            var message = amqp_message_t()
            let read = amqp_read_message(state, frame.channel, &message, 0)
            guard read.reply_type == AMQP_RESPONSE_NORMAL else { throw rpcError("read delivery") }
            defer {
                amqp_destroy_message(&message)
                amqp_maybe_release_buffers_on_channel(state, frame.channel)
            }
            return .delivery(BusDelivery(
                body: Self.bytes(message.body), headers: Self.headers(message.properties),
                exchange: Self.string(deliver.exchange), routingKey: Self.string(deliver.routing_key),
                redelivered: deliver.redelivered != 0, deliveryTag: deliver.delivery_tag, generation: generation))
        case HERALD_BASIC_CANCEL:
            return .consumerCancelled
        case HERALD_CHANNEL_CLOSE:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            var ok = amqp_channel_close_ok_t(dummy: 0)
            _ = amqp_send_method(state, frame.channel, HERALD_CHANNEL_CLOSE_OK, &ok)
            if frame.channel == Self.adminChannel { adminChannelOpen = false }
            return .channelClosed(channel: frame.channel, code: close.reply_code, text: Self.string(close.reply_text))
        case HERALD_CONNECTION_CLOSE:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            var ok = amqp_connection_close_ok_t(dummy: 0)
            _ = amqp_send_method(state, 0, HERALD_CONNECTION_CLOSE_OK, &ok)
            isOpen = false
            throw BusError(.connectionClosed, "\(close.reply_code) \(Self.string(close.reply_text))")
        default:
            return nil
        }
    }

    func releaseBuffers() {
        amqp_maybe_release_buffers(state)
    }

    func close() {
        guard isOpen else { return }
        isOpen = false
        _ = amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
    }

    // MARK: Conversions

    static func timeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        return Foundation.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }

    static func string(_ bytes: amqp_bytes_t) -> String {
        guard bytes.len > 0, let pointer = bytes.bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: bytes.len), as: UTF8.self)
    }

    static func bytes(_ bytes: amqp_bytes_t) -> [UInt8] {
        guard bytes.len > 0, let pointer = bytes.bytes else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: bytes.len))
    }

    static func headers(_ properties: amqp_basic_properties_t) -> [String: BusHeaderValue] {
        guard properties._flags & amqp_flags_t(AMQP_BASIC_HEADERS_FLAG) != 0 else { return [:] }
        var result: [String: BusHeaderValue] = [:]
        let table = properties.headers
        for index in 0..<Int(table.num_entries) {
            var entry = table.entries[index]
            let key = string(entry.key)
            var integer: Int64 = 0
            var bytes = amqp_bytes_t()
            if herald_field_integer(&entry.value, &integer) != 0 {
                result[key] = .int(integer)
            } else if herald_field_bytes(&entry.value, &bytes) != 0 {
                result[key] = .string(string(bytes))
            }
        }
        return result
    }
}

extension String {
    /// Lends the string's UTF-8 bytes to rabbitmq-c for the duration of `body`.
    func withBytes<T>(_ body: (amqp_bytes_t) throws -> T) rethrows -> T {
        var copy = self
        return try copy.withUTF8 { buffer in
            try body(amqp_bytes_t(len: buffer.count, bytes: UnsafeMutableRawPointer(mutating: buffer.baseAddress)))
        }
    }
}

/// Lends an AMQP field table built from `headers` for the duration of `body`.
func withTable<T>(_ headers: [String: BusHeaderValue], _ body: (amqp_table_t) throws -> T) rethrows -> T {
    if headers.isEmpty { return try body(amqp_empty_table) }
    // The keys and string values must outlive the table, so they are copied into one allocation per item.
    var storage: [UnsafeMutableBufferPointer<UInt8>] = []
    defer { storage.forEach { $0.deallocate() } }
    func keep(_ string: String) -> amqp_bytes_t {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(string.utf8.count, 1))
        _ = buffer.initialize(from: string.utf8)
        storage.append(buffer)
        return amqp_bytes_t(len: string.utf8.count, bytes: UnsafeMutableRawPointer(buffer.baseAddress))
    }
    var entries = headers.sorted { $0.key < $1.key }.map { key, value in
        switch value {
        case .string(let string): herald_table_utf8(keep(key), keep(string))
        case .int(let integer): herald_table_i64(keep(key), integer)
        }
    }
    return try entries.withUnsafeMutableBufferPointer { buffer in
        try body(amqp_table_t(num_entries: Int32(buffer.count), entries: buffer.baseAddress))
    }
}
