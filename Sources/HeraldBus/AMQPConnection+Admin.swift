import CRabbitMQ
import Foundation

extension AMQPConnection {
    // MARK: Declarations

    func withAdminChannel<T>(_ body: () throws(BusError) -> T) throws(BusError) -> T {
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
}
