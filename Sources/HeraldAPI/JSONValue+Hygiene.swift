import HeraldCore

extension JSONValue {
    /// The path of the first string (or object key) holding U+0000, which PostgreSQL cannot store in text.
    func pathOfNUL(_ path: String = "") -> String? {
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
