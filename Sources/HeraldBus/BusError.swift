/// An error from the message bus. `description` names what happened and never includes credentials.
package struct BusError: Error, CustomStringConvertible, Sendable, Equatable {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case invalidURL = "invalid broker URL"
            case connectionRefused = "connection refused"
            case tlsFailed = "TLS failed"
            case authenticationFailed = "authentication failed"
            case accessRefused = "access refused"
            case connectionClosed = "connection closed by broker"
            case channelClosed = "channel closed by broker"
            case connectionLost = "connection lost"
            case timeout = "timed out"
            case unroutable = "message unroutable"
            case rejected = "publish rejected by broker"
            case shutdown = "bus is shut down"
            case protocolError = "protocol error"
        }
        fileprivate let base: Base
        package var description: String { base.rawValue }

        package static let invalidURL = Code(base: .invalidURL)
        package static let connectionRefused = Code(base: .connectionRefused)
        package static let tlsFailed = Code(base: .tlsFailed)
        package static let authenticationFailed = Code(base: .authenticationFailed)
        package static let accessRefused = Code(base: .accessRefused)
        package static let connectionClosed = Code(base: .connectionClosed)
        package static let channelClosed = Code(base: .channelClosed)
        package static let connectionLost = Code(base: .connectionLost)
        package static let timeout = Code(base: .timeout)
        package static let unroutable = Code(base: .unroutable)
        package static let rejected = Code(base: .rejected)
        package static let shutdown = Code(base: .shutdown)
        package static let protocolError = Code(base: .protocolError)
    }

    package let code: Code
    /// Details such as the broker's reply code and text, or the library's error string.
    package let detail: String

    package init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    package var description: String { detail.isEmpty ? "\(code)" : "\(code): \(detail)" }
}
