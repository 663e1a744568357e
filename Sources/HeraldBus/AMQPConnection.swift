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

    let state: amqp_connection_state_t
    let configuration: AMQPConfiguration
    var isOpen = false
    let generation: Int
    var adminChannelOpen = false

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
        let socket = try configuration.tls.map { tls throws(BusError) in try tlsSocket(tls) } ?? amqp_tcp_socket_new(state)
        guard let socket else {
            throw BusError(.protocolError, "could not create a socket")
        }
        var timeout = Self.timeval(configuration.timeout)
        let status = amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &timeout)
        if status != AMQP_STATUS_OK.rawValue {
            let reason = String(cString: amqp_error_string2(status))
            let code: BusError.Code = switch status {
            case AMQP_STATUS_TIMEOUT.rawValue: .timeout
            case AMQP_STATUS_SSL_ERROR.rawValue, AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED.rawValue,
                 AMQP_STATUS_SSL_PEER_VERIFY_FAILED.rawValue, AMQP_STATUS_SSL_CONNECTION_FAILED.rawValue: .tlsFailed
            default: .connectionRefused
            }
            let hint = code == .tlsFailed
                ? " (the broker's certificate must verify against \(configuration.tls?.caFile ?? AMQPConfiguration.TLS.systemBundle) and name the host)"
                : ""
            throw BusError(code, "\(configuration.host):\(configuration.port): \(reason)\(hint)")
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

    /// A TLS socket that verifies the broker's certificate chain and host name, with a client certificate if set.
    private func tlsSocket(_ tls: AMQPConfiguration.TLS) throws(BusError) -> OpaquePointer? {
        guard let socket = amqp_ssl_socket_new(state) else { return nil }
        amqp_ssl_socket_set_verify_peer(socket, 1)
        amqp_ssl_socket_set_verify_hostname(socket, 1)
        let caFile = tls.caFile ?? AMQPConfiguration.TLS.systemBundle
        let status = amqp_ssl_socket_set_cacert(socket, caFile)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw BusError(.tlsFailed, "cannot use \(caFile) as the CA file (HERALD_AMQP_CA_FILE): \(String(cString: amqp_error_string2(status)))")
        }
        switch (tls.certificateFile, tls.keyFile) {
        case let (certificate?, key?):
            let status = amqp_ssl_socket_set_key(socket, certificate, key)
            guard status == AMQP_STATUS_OK.rawValue else {
                throw BusError(.tlsFailed, "cannot use the client certificate \(certificate) with key \(key): \(String(cString: amqp_error_string2(status)))")
            }
        case (nil, nil):
            break
        default:
            throw BusError(.tlsFailed, "a client certificate needs both HERALD_AMQP_CERT_FILE and HERALD_AMQP_KEY_FILE")
        }
        return socket
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
    func rpcError(_ operation: String, channel: amqp_channel_t = 0) -> BusError {
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


    func check(_ status: Int32, _ operation: String) throws(BusError) {
        guard status != AMQP_STATUS_OK.rawValue else { return }
        isOpen = false
        throw BusError(.connectionLost, "\(operation): \(String(cString: amqp_error_string2(status)))")
    }

    var socket: Int32 { amqp_get_sockfd(state) }


    func releaseBuffers() {
        amqp_maybe_release_buffers(state)
    }

    func close() {
        guard isOpen else { return }
        isOpen = false
        _ = amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
    }
}
