/// A header value carried with a job.
public enum BusHeaderValue: Sendable, Equatable {
    case string(String)
    case int(Int64)

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}

/// A message to publish: always persistent, always mandatory, always confirmed.
public struct BusMessage: Sendable {
    public var exchange: String
    public var routingKey: String
    public var body: [UInt8]
    public var headers: [String: BusHeaderValue]

    public init(exchange: String, routingKey: String, body: [UInt8], headers: [String: BusHeaderValue] = [:]) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.headers = headers
    }
}

/// A message received from a queue. Settle it with `BusClient.ack` or `BusClient.reject`.
public struct BusDelivery: Sendable {
    public let body: [UInt8]
    public let headers: [String: BusHeaderValue]
    public let exchange: String
    public let routingKey: String
    public let redelivered: Bool
    let deliveryTag: UInt64
    /// Which connection delivered it: a tag from an earlier connection is meaningless on the current one.
    let generation: Int
}
