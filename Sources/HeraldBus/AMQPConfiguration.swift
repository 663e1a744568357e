import Foundation

/// Where and how to reach the broker, parsed from an `amqp://user:password@host:port/vhost` URL.
public struct AMQPConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var vhost: String
    /// Heartbeat interval negotiated with the broker, in seconds.
    public var heartbeat: Int
    /// Shown in the broker's connection list, so operators can tell the processes apart.
    public var connectionName: String
    /// How long connecting and each broker round trip may take.
    public var timeout: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 5672, user: String = "guest", password: String = "guest",
        vhost: String = "/", heartbeat: Int = 30, connectionName: String = "herald", timeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.vhost = vhost
        self.heartbeat = heartbeat
        self.connectionName = connectionName
        self.timeout = timeout
    }

    public init(url: String, connectionName: String = "herald") throws(BusError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme else {
            throw BusError(.invalidURL, "expected amqp://user:password@host:port/vhost")
        }
        guard scheme == "amqp" else {
            throw BusError(.invalidURL, "scheme '\(scheme)' is not supported, use amqp://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw BusError(.invalidURL, "no host in the URL")
        }
        let path = components.percentEncodedPath
        let vhost: String
        if path.isEmpty || path == "/" {
            vhost = "/"
        } else {
            let encoded = String(path.dropFirst())
            guard !encoded.contains("/"), let decoded = encoded.removingPercentEncoding else {
                throw BusError(.invalidURL, "the vhost must be one path segment (percent-encode '/' as %2F)")
            }
            vhost = decoded
        }
        self.init(
            host: host, port: components.port ?? 5672,
            user: components.user?.removingPercentEncoding ?? "guest",
            password: components.password?.removingPercentEncoding ?? "guest",
            vhost: vhost, connectionName: connectionName)
    }

    /// The address without credentials, for logs and error messages.
    public var description: String { "amqp://\(host):\(port)/\(vhost)" }
}
