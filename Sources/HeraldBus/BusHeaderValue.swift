

/// A header value carried with a job.
package enum BusHeaderValue: Sendable, Equatable {
    case string(String)
    case int(Int64)

    package var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    package var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}
