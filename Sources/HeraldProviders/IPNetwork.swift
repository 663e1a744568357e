import Foundation

/// An IPv4 or IPv6 network in CIDR form (`10.0.0.0/8`, `fd00::/8`); IPv4 addresses are kept as IPv4-mapped IPv6
/// (`::ffff:a.b.c.d`) so that one comparison serves both families.
package struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    package let address: [UInt8]
    package let prefixLength: Int
    package let description: String

    /// Parses `a.b.c.d/n`, `x::y/n`, or an address alone (a network of one).
    package init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let address = IPNetwork.parse(String(parts[0])) else { return nil }
        let isV4 = !parts[0].contains(":")
        let full = isV4 ? 32 : 128
        let length: Int
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...full).contains(given) else { return nil }
            length = given
        } else {
            length = full
        }
        self.address = address
        prefixLength = isV4 ? length + 96 : length
        description = text.trimmingCharacters(in: .whitespaces)
    }

    /// Whether `candidate` (16 bytes, as `parse` gives) lies in this network.
    package func contains(_ candidate: [UInt8]) -> Bool {
        guard candidate.count == 16 else { return false }
        var remaining = prefixLength
        for index in 0..<16 where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if candidate[index] & mask != address[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// 16 bytes for an IPv6 address, or the IPv4-mapped form of an IPv4 address in dotted form; nil otherwise.
    package static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return mapped(withUnsafeBytes(of: v4.s_addr) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: v6) { Array($0) }
        }
        return nil
    }

    static let v4Mapped = IPNetwork("::ffff:0:0/96")!

    /// The IPv4-mapped IPv6 form of four IPv4 bytes.
    package static func mapped(_ v4: [UInt8]) -> [UInt8] {
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4
    }

    /// An address (16 bytes) as text: dotted for IPv4-mapped ones.
    package static func text(_ bytes: [UInt8]) -> String {
        if v4Mapped.contains(bytes) { return bytes[12...].map(String.init).joined(separator: ".") }
        var v6 = in6_addr()
        withUnsafeMutableBytes(of: &v6) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
