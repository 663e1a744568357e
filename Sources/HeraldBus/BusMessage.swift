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
