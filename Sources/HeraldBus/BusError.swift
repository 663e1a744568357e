/// An error from the message bus. `description` names what happened and never includes credentials.
public struct BusError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
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
        public var description: String { base.rawValue }

        public static let invalidURL = Code(base: .invalidURL)
        public static let connectionRefused = Code(base: .connectionRefused)
        public static let tlsFailed = Code(base: .tlsFailed)
        public static let authenticationFailed = Code(base: .authenticationFailed)
        public static let accessRefused = Code(base: .accessRefused)
        public static let connectionClosed = Code(base: .connectionClosed)
        public static let channelClosed = Code(base: .channelClosed)
        public static let connectionLost = Code(base: .connectionLost)
        public static let timeout = Code(base: .timeout)
        public static let unroutable = Code(base: .unroutable)
        public static let rejected = Code(base: .rejected)
        public static let shutdown = Code(base: .shutdown)
        public static let protocolError = Code(base: .protocolError)
    }

    public let code: Code
    /// Details such as the broker's reply code and text, or the library's error string.
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail.isEmpty ? "\(code)" : "\(code): \(detail)" }
}
