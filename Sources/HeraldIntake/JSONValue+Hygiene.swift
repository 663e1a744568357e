import HTTPTypes
package import HeraldCore

extension JSONValue {
    /// The path of the first string (or object key) holding U+0000, which PostgreSQL cannot store in text.
    package func pathOfNUL(_ path: String = "") -> String? {
        switch self {
        case .string(let value):
            return value.utf8.contains(0) ? (path.isEmpty ? "body" : path) : nil
        case .array(let values):
            for (index, value) in values.enumerated() {
                if let found = value.pathOfNUL("\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let fields):
            for (key, value) in fields {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if key.utf8.contains(0) { return child }
                if let found = value.pathOfNUL(child) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}

extension JSONValue {
    /// A request body's JSON value; a body that is not JSON, or holds a NUL character, is refused with a problem
    /// naming which.
    package static func requestBody(_ bytes: [UInt8]) throws -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw Problem(.badRequest, type: "malformed-json", title: "Malformed JSON",
                          detail: "the body is not valid JSON: \(error)",
                          invalidParams: [.init("body", "is not valid JSON")])
        }
        if let path = value.pathOfNUL() {
            throw Problem(.badRequest, type: "nul-character", title: "NUL character",
                          detail: "\(path) holds a NUL character (\\u0000), which Herald does not store",
                          invalidParams: [.init(path, "holds a NUL character")])
        }
        return value
    }
}
