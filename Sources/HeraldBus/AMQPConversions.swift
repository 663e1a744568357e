import CRabbitMQ
import Foundation

extension AMQPConnection {
    // Conversions between rabbitmq-c types and Swift ones.

    static func timeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        return Foundation.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }

    static func string(_ bytes: amqp_bytes_t) -> String {
        guard bytes.len > 0, let pointer = bytes.bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: bytes.len), as: UTF8.self)
    }

    static func bytes(_ bytes: amqp_bytes_t) -> [UInt8] {
        guard bytes.len > 0, let pointer = bytes.bytes else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: bytes.len))
    }

    static func headers(_ properties: amqp_basic_properties_t) -> [String: BusHeaderValue] {
        guard properties._flags & amqp_flags_t(AMQP_BASIC_HEADERS_FLAG) != 0 else { return [:] }
        var result: [String: BusHeaderValue] = [:]
        let table = properties.headers
        for index in 0..<Int(table.num_entries) {
            var entry = table.entries[index]
            let key = string(entry.key)
            var integer: Int64 = 0
            var bytes = amqp_bytes_t()
            if herald_field_integer(&entry.value, &integer) != 0 {
                result[key] = .int(integer)
            } else if herald_field_bytes(&entry.value, &bytes) != 0 {
                result[key] = .string(string(bytes))
            }
        }
        return result
    }
}

extension String {
    /// Lends the string's UTF-8 bytes to rabbitmq-c for the duration of `body`.
    func withBytes<T>(_ body: (amqp_bytes_t) throws -> T) rethrows -> T {
        var copy = self
        return try copy.withUTF8 { buffer in
            try body(amqp_bytes_t(len: buffer.count, bytes: UnsafeMutableRawPointer(mutating: buffer.baseAddress)))
        }
    }
}

/// Lends an AMQP field table built from `headers` for the duration of `body`.
func withTable<T>(_ headers: [String: BusHeaderValue], _ body: (amqp_table_t) throws -> T) rethrows -> T {
    if headers.isEmpty { return try body(amqp_empty_table) }
    // The keys and string values must outlive the table, so they are copied into one allocation per item.
    var storage: [UnsafeMutableBufferPointer<UInt8>] = []
    defer { storage.forEach { $0.deallocate() } }
    func keep(_ string: String) -> amqp_bytes_t {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(string.utf8.count, 1))
        _ = buffer.initialize(from: string.utf8)
        storage.append(buffer)
        return amqp_bytes_t(len: string.utf8.count, bytes: UnsafeMutableRawPointer(buffer.baseAddress))
    }
    var entries = headers.sorted { $0.key < $1.key }.map { key, value in
        switch value {
        case .string(let string): herald_table_utf8(keep(key), keep(string))
        case .int(let integer): herald_table_i64(keep(key), integer)
        }
    }
    return try entries.withUnsafeMutableBufferPointer { buffer in
        try body(amqp_table_t(num_entries: Int32(buffer.count), entries: buffer.baseAddress))
    }
}
