import Foundation

/// Where and how to reach the broker, parsed from an `amqp://user:password@host:port/vhost` URL, or from a
/// comma-separated list of them naming the nodes of a cluster (`amqp://u:p@mq1:5672/herald,amqp://u:p@mq2:5672/herald`,
/// or after the first just `mq2:5672`): the bus connects to the first node that answers and, when it loses it,
/// moves on to the next.
package struct AMQPConfiguration: Sendable, CustomStringConvertible {
    /// The node this configuration connects to first (or the one `node(_:)` picked).
    package var host: String
    package var port: Int
    /// A node of a cluster.
    package struct Node: Sendable, Equatable, CustomStringConvertible {
        package var host: String
        package var port: Int

        package var description: String { "\(host):\(port)" }
    }

    /// The cluster's other nodes, tried in turn after `host`.
    package var otherNodes: [Node] = []
    /// Every node, in the order they are tried.
    package var nodes: [Node] { [Node(host: host, port: port)] + otherNodes }
    package var user: String
    package var password: String
    package var vhost: String
    /// Heartbeat interval negotiated with the broker, in seconds.
    package var heartbeat: Int
    /// Shown in the broker's connection list, so operators can tell the processes apart.
    package var connectionName: String
    /// How long connecting and each broker round trip may take.
    package var timeout: Duration
    /// TLS (`amqps://`): the broker's certificate is verified, chain and host name, against `caFile` (else the
    /// system's trusted CAs); a client certificate and key are presented when both are set.
    package var tls: TLS?

    package struct TLS: Sendable, Equatable {
        package var caFile: String?
        package var certificateFile: String?
        package var keyFile: String?

        package init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }

        /// Debian's bundle of the system's trusted CAs (package ca-certificates).
        package static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
    }

    package init(
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

    package init(url: String, connectionName: String = "herald") throws(BusError) {
        let addresses = url.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        try self.init(singleURL: addresses[0], connectionName: connectionName)
        for address in addresses.dropFirst() {
            guard !address.isEmpty else { throw BusError(.invalidURL, "an empty address in the list") }
            if address.contains("://") {
                let other = try AMQPConfiguration(singleURL: address, connectionName: connectionName)
                guard other.vhost == vhost, other.user == user, other.password == password, other.tls == tls else {
                    throw BusError(
                        .invalidURL, "every address must name the same scheme, user, password and vhost as the first")
                }
                otherNodes.append(Node(host: other.host, port: other.port))
            } else {
                guard let components = URLComponents(string: "amqp://\(address)"), let host = components.host, !host.isEmpty,
                      components.path.isEmpty, components.user == nil
                else { throw BusError(.invalidURL, "'\(address)' is neither an amqp:// URL nor host:port") }
                otherNodes.append(Node(host: host, port: components.port ?? (tls == nil ? 5672 : 5671)))
            }
        }
    }

    private init(singleURL url: String, connectionName: String) throws(BusError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme else {
            throw BusError(.invalidURL, "expected amqp://user:password@host:port/vhost")
        }
        guard scheme == "amqp" || scheme == "amqps" else {
            throw BusError(.invalidURL, "scheme '\(scheme)' is not supported, use amqp:// or amqps://")
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
            host: host, port: components.port ?? (scheme == "amqps" ? 5671 : 5672),
            user: components.user?.removingPercentEncoding ?? "guest",
            password: components.password?.removingPercentEncoding ?? "guest",
            vhost: vhost, connectionName: connectionName)
        if scheme == "amqps" { tls = TLS() }
    }

    /// Node `index` (modulo the number of nodes) alone, with the same credentials and settings.
    package func node(_ index: Int) -> AMQPConfiguration {
        var copy = self
        let node = nodes[index % nodes.count]
        (copy.host, copy.port) = (node.host, node.port)
        copy.otherNodes = []
        return copy
    }

    /// The address without credentials, for logs and error messages.
    package var description: String {
        let scheme = tls == nil ? "amqp" : "amqps"
        return otherNodes.isEmpty
            ? "\(scheme)://\(host):\(port)/\(vhost)"
            : "\(scheme)://" + nodes.map(\.description).joined(separator: ",") + "/\(vhost)"
    }
}
