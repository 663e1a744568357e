/// A header value carried with a job.
package enum BusHeaderValue: Sendable, Equatable {
    case string(String)
    case int(Int64)

    package var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    package var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}

/// A message to publish: always persistent, always mandatory, always confirmed.
package struct BusMessage: Sendable {
    package var exchange: String
    package var routingKey: String
    package var body: [UInt8]
    package var headers: [String: BusHeaderValue]

    package init(exchange: String, routingKey: String, body: [UInt8], headers: [String: BusHeaderValue] = [:]) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.headers = headers
    }
}

/// A message received from a queue. Settle it with `BusClient.ack` or `BusClient.reject`.
package struct BusDelivery: Sendable {
    package let body: [UInt8]
    package let headers: [String: BusHeaderValue]
    package let exchange: String
    package let routingKey: String
    package let redelivered: Bool
    let deliveryTag: UInt64
    /// Which connection delivered it: a tag from an earlier connection is meaningless on the current one.
    let generation: Int
}
