

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
