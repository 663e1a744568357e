import Foundation
import NIOPosix
import Synchronization

/// Which addresses tenants' callback URLs may reach. A receiver must be on a public address: a host that is, or
/// resolves to, a loopback, private, link-local, shared (CGNAT), multicast, reserved or unspecified address is refused
/// (any of its addresses, so a name cannot mix one public and one internal address), unless the operator allowed that
/// network (`HERALD_CALLBACK_ALLOWED_NETWORKS`). The API checks a URL when it is set; the sender checks again before
/// every POST, because what a name resolves to can change after it was set.
package struct CallbackAddressPolicy: Sendable {
    package let allowed: [IPNetwork]

    package struct Refusal: Error, CustomStringConvertible, Sendable {
        package let description: String
        package init(description: String) { self.description = description }
    }

    /// Where to send: the URL to request (for `http`, with the checked address in place of the name, so the
    /// connection goes where the check looked) and the `Host` header that keeps the name.
    package struct Target: Sendable {
        package var url: String
        package var hostHeader: String?
    }

    /// Public addresses only, and `allowed` besides.
    package init(allowed: [IPNetwork] = []) {
        self.allowed = allowed
    }

    /// `allowedNetworks`: CIDR networks separated by commas; nil or empty allows none.
    package init(allowedNetworks: String?) throws(Refusal) {
        var networks: [IPNetwork] = []
        for item in (allowedNetworks ?? "").split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let network = IPNetwork(String(item)) else {
                throw Refusal(description: "HERALD_CALLBACK_ALLOWED_NETWORKS: '\(item)' is not a network in CIDR form (e.g. 127.0.0.0/8)")
            }
            networks.append(network)
        }
        allowed = networks
    }

    /// The networks no receiver may be on unless allowed, with the name a refusal gives.
    static let nonPublic: [(IPNetwork, String)] = [
        ("0.0.0.0/8", "an unspecified address"), ("10.0.0.0/8", "a private address"),
        ("100.64.0.0/10", "a shared (CGNAT) address"), ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address"), ("172.16.0.0/12", "a private address"),
        ("192.0.0.0/24", "a reserved address"), ("192.0.2.0/24", "a documentation address"),
        ("192.88.99.0/24", "a reserved address"), ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a benchmarking address"), ("198.51.100.0/24", "a documentation address"),
        ("203.0.113.0/24", "a documentation address"), ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),
        ("::/128", "an unspecified address"), ("::1/128", "a loopback address"), ("::/96", "a reserved address"),
        ("100::/64", "a discard address"), ("2001::/32", "a Teredo address"), ("2001:db8::/32", "a documentation address"),
        ("fc00::/7", "a private (unique local) address"), ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"), ("ff00::/8", "a multicast address"),
    ].map { (IPNetwork($0.0)!, $0.1) }

    /// Why `address` (16 bytes) may not be reached, or nil when it may. IPv4 inside NAT64 and 6to4 addresses is
    /// judged as the IPv4 address it carries.
    package func refusal(for address: [UInt8]) -> String? {
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        if Self.nat64.contains(address) { return refusal(for: IPNetwork.mapped(Array(address[12..<16]))) }
        if Self.sixToFour.contains(address) { return refusal(for: IPNetwork.mapped(Array(address[2..<6]))) }
        guard let (_, name) = Self.nonPublic.first(where: { $0.0.contains(address) }) else { return nil }
        return "\(name) (\(IPNetwork.text(address)))"
    }

    static let nat64 = IPNetwork("64:ff9b::/96")!
    static let sixToFour = IPNetwork("2002::/16")!

    /// Checks a callback URL's form and every address its host resolves to; returns where to send it. What a URL
    /// checked to is remembered for a few seconds, so a busy receiver costs neither a parse nor a look-up per
    /// callback, and a name that turns internal is refused within that time.
    package func check(_ raw: String) async throws(Refusal) -> Target {
        let now = ContinuousClock.now
        if let cached = Self.targets.withLock({ $0[raw] }), cached.until > now, cached.allowed == allowed {
            return cached.target
        }
        let target = try await checkAfresh(raw)
        Self.targets.withLock { targets in
            if targets.count > 10_000 { targets.removeAll() }
            targets[raw] = (target, allowed, now + .seconds(5))
        }
        return target
    }

    static let targets = Mutex<[String: (target: Target, allowed: [IPNetwork], until: ContinuousClock.Instant)]>([:])

    func checkAfresh(_ raw: String) async throws(Refusal) -> Target {
        guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let rawHost = components.host, !rawHost.isEmpty,
              components.user == nil, components.password == nil
        else { throw Refusal(description: "must be an absolute http:// or https:// URL with a host and no user or password") }
        let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let addresses = try await resolve(host)
        for address in addresses {
            if let reason = refusal(for: address) {
                throw Refusal(description: "its host \(addresses.count > 1 || IPNetwork.parse(host) == nil ? "resolves to" : "is") \(reason), which callbacks may not reach")
            }
        }
        guard scheme == "http" else {
            // https keeps the name: the certificate must match it, so a name that resolves elsewhere by the time of the
            // connection fails verification unless the other host holds a certificate for that name.
            return Target(url: raw, hostHeader: nil)
        }
        let address = IPNetwork.text(addresses[0])
        let literal = address.contains(":") ? "[\(address)]" : address
        let port = components.port.map { ":\($0)" } ?? ""
        let query = components.percentEncodedQuery.map { "?\($0)" } ?? ""
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return Target(url: "http://\(literal)\(port)\(path)\(query)", hostHeader: "\(rawHost)\(port)")
    }

    /// Every address `host` resolves to, numeric forms included, as the system's resolver reads them (off the event
    /// loops: the look-up blocks).
    func resolve(_ host: String) async throws(Refusal) -> [[UInt8]] {
        let result: Result<[[UInt8]], Refusal>
        do {
            result = try await NIOThreadPool.singleton.runIfActive { Self.lookUp(host) }
        } catch {
            throw Refusal(description: "its host could not be looked up")
        }
        return try result.get()
    }

    static func lookUp(_ host: String) -> Result<[[UInt8]], Refusal> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else {
            return .failure(Refusal(description: "its host does not resolve"))
        }
        defer { freeaddrinfo(list) }
        var addresses: [[UInt8]] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let socketAddress = current.pointee.ai_addr {
                switch Int32(current.pointee.ai_family) {
                case AF_INET:
                    let bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        withUnsafeBytes(of: $0.pointee.sin_addr.s_addr) { Array($0) }
                    }
                    addresses.append(IPNetwork.mapped(bytes))
                case AF_INET6:
                    let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                    }
                    addresses.append(bytes)
                default:
                    break
                }
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { return .failure(Refusal(description: "its host does not resolve")) }
        var seen = Set<[UInt8]>()
        return .success(addresses.filter { seen.insert($0).inserted })
    }
}
