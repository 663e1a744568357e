import CRabbitMQ
import Foundation

extension AMQPConnection {
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
}
