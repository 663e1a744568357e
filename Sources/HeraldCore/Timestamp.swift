package import Foundation

/// How Herald writes and reads times everywhere (API, logs, operator tools, template values): RFC 3339 in UTC.
package enum Timestamp {
    /// `2026-12-01T09:00:00.123Z`; without the fraction where a template shows the time to people.
    package static func string(_ date: Date, fractionalSeconds: Bool = true) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: fractionalSeconds))
    }

    /// An RFC 3339 timestamp with a time zone, with or without fractional seconds.
    package static func parse(_ raw: String) -> Date? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions.insert(.withFractionalSeconds)
        return plain.date(from: raw) ?? fractional.date(from: raw)
    }
}
