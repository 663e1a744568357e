package import Foundation
package import HeraldCore

/// Reads fields of a JSON object by path, collecting every problem instead of stopping at the first, so one
/// response names all the bad fields.
package struct FieldReader {
    package let object: [String: JSONValue]
    package let path: String
    package var problems: [Problem.InvalidParam] = []

    package init(_ value: JSONValue, path: String = "", allowed: Set<String>, problems: inout [Problem.InvalidParam]) {
        self.path = path
        if let object = value.object {
            self.object = object
            for key in object.keys.sorted() where !allowed.contains(key) {
                problems.append(.init(Self.join(path, key), "unknown field"))
            }
        } else {
            self.object = [:]
            problems.append(.init(path.isEmpty ? "body" : path, "must be a JSON object, got \(value.typeName)"))
        }
    }

    package static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    package func name(_ key: String) -> String { Self.join(path, key) }

    package func has(_ key: String) -> Bool { object[key].map { $0 != .null } ?? false }

    /// A string field; nil (with a problem, when required) if absent or of another type.
    package func string(
        _ key: String, required: Bool = false, maxLength: Int = 1000, singleLine: Bool = true,
        problems: inout [Problem.InvalidParam]
    ) -> String? {
        guard let value = object[key], value != .null else {
            if required { problems.append(.init(name(key), "is required")) }
            return nil
        }
        guard let string = value.string else {
            problems.append(.init(name(key), "must be a string, got \(value.typeName)"))
            return nil
        }
        if string.count > maxLength {
            problems.append(.init(name(key), "is longer than \(maxLength) characters"))
            return nil
        }
        if singleLine, string.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems.append(.init(name(key), "contains a line break or another control character"))
            return nil
        }
        return string
    }

    package func object(_ key: String, required: Bool = false, problems: inout [Problem.InvalidParam]) -> JSONValue? {
        guard let value = object[key], value != .null else {
            if required { problems.append(.init(name(key), "is required")) }
            return nil
        }
        guard value.object != nil else {
            problems.append(.init(name(key), "must be an object, got \(value.typeName)"))
            return nil
        }
        return value
    }

    /// A whole number.
    package func integer(_ key: String, problems: inout [Problem.InvalidParam]) -> Int? {
        guard let value = object[key], value != .null else { return nil }
        switch value {
        case .int(let number): return Int(number)
        case .double(let number) where number == number.rounded() && abs(number) < 1e9: return Int(number)
        default:
            problems.append(.init(name(key), "must be a whole number, got \(value.typeName)"))
            return nil
        }
    }

    /// true or false.
    package func bool(_ key: String, problems: inout [Problem.InvalidParam]) -> Bool? {
        guard let value = object[key], value != .null else { return nil }
        guard case .bool(let flag) = value else {
            problems.append(.init(name(key), "must be true or false, got \(value.typeName)"))
            return nil
        }
        return flag
    }

    /// An IANA time zone name such as `Europe/Warsaw`.
    package func timeZone(_ key: String, problems: inout [Problem.InvalidParam]) -> String? {
        guard let zone = string(key, maxLength: 64, problems: &problems) else { return nil }
        guard TimeZone(identifier: zone) != nil else {
            problems.append(.init(name(key), "'\(zone)' is not an IANA time zone such as Europe/Warsaw"))
            return nil
        }
        return zone
    }

    /// A string from a closed set of values.
    package func choice<T: RawRepresentable<String> & CaseIterable>(
        _ key: String, _ type: T.Type, required: Bool = true, problems: inout [Problem.InvalidParam]
    ) -> T? {
        guard let raw = string(key, required: required, problems: &problems) else { return nil }
        guard let value = T(rawValue: raw) else {
            let allowed = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            problems.append(.init(name(key), "must be one of \(allowed), got '\(raw)'"))
            return nil
        }
        return value
    }

    /// An RFC 3339 timestamp such as `2026-12-01T09:00:00Z`.
    package func timestamp(_ key: String, problems: inout [Problem.InvalidParam]) -> Date? {
        guard let raw = string(key, maxLength: 64, problems: &problems) else { return nil }
        if let date = Timestamp.parse(raw) { return date }
        problems.append(.init(name(key), "must be an RFC 3339 timestamp with a time zone, such as 2026-12-01T09:00:00Z; got '\(raw)'"))
        return nil
    }

}
