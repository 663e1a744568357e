/// The command line of a role (`herald email --smtp-url … --prefetch 40`), read against the table: each option stands
/// for its variable and wins over it.
extension Role {
    /// What a role's command line asks for.
    package enum Request: Equatable, Sendable {
        /// `--help` or `-h`: print `help(abstract:)`.
        case help
        /// Run, with these variables given on the command line.
        case run([String: String])
    }

    /// Reads `--option value` and `--option=value` pairs, each an option of this role; anything else is an error that
    /// names it.
    package func read(_ arguments: [String]) throws -> Request {
        var values: [String: String] = [:]
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            if argument == "--help" || argument == "-h" { return .help }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw ConfigurationError("unexpected argument '\(argument)' (herald \(rawValue) --help lists the options)")
            }
            let (name, inline) = argument.firstIndex(of: "=").map {
                (String(argument[..<$0]), Optional(String(argument[argument.index(after: $0)...])))
            } ?? (argument, nil)
            guard let setting = Setting.named(option: name) else {
                throw ConfigurationError("unknown option '\(name)' (herald \(rawValue) --help lists the options)")
            }
            guard setting.roles.contains(self) else {
                let readers = setting.roles.sorted().map { "herald \($0.rawValue)" }.joined(separator: ", ")
                throw ConfigurationError("'\(name)' is not an option of herald \(rawValue) (it is one of \(readers))")
            }
            guard let value = inline ?? rest.popFirst() else { throw ConfigurationError("'\(name)' needs a value") }
            values[setting.variable] = value
        }
        return .run(values)
    }

    /// `herald email --help`: what the role does and each of its options with its variable and default, by group.
    package func help(abstract: String, discussion: String = "", version: String) -> String {
        var lines = ["OVERVIEW: \(abstract)", ""]
        if !discussion.isEmpty { lines += wrap(discussion, width: 120) + [""] }
        lines += [
            "Every option can be given as its environment variable instead; an option given wins.", "",
            "USAGE: herald \(rawValue) [--<option> <value> ...]", "",
        ]
        let settings = Setting.of(self)
        for group in Setting.Group.allCases {
            let members = settings.filter { $0.group == group }
            guard !members.isEmpty else { continue }
            lines.append("\(group.rawValue.uppercased()):")
            for setting in members {
                lines.append("  \(setting.option) <value>")
                let text = "\(setting.summary) [\(setting.variable); default \(setting.defaultDescription(for: self))]"
                lines += wrap(text, width: 112).map { "        " + $0 }
            }
            lines.append("")
        }
        lines += ["OPTIONS:", "  --version", "        Show the version (\(version)).", "  -h, --help",
                  "        Show help information.", ""]
        return lines.joined(separator: "\n")
    }
}

extension Setting {
    /// How the default reads in a role's `--help`: the role's own value where defaults differ by role.
    package func defaultDescription(for role: Role) -> String {
        guard !roleDefaults.isEmpty, let value = defaultValue(for: role) else { return defaultDescription }
        return value
    }

    /// Every variable a role reads, and the scripts' own.
    package static let known: Set<String> = Set(all.map(\.variable)).union(["HERALD_SCRATCH_PATH"])

    /// One line for each `HERALD_*` variable in `environment` that no role reads, with the closest known name. (A
    /// variable another role reads is not reported: one environment file can serve the whole fleet.)
    package static func unknownVariables(in environment: [String: String]) -> [String] {
        environment.keys.sorted()
            .filter { $0.hasPrefix("HERALD_") && !$0.hasPrefix("HERALD_TEST_") && !known.contains($0) }
            .map { name in
                let closest = known.min { distance(name, $0) < distance(name, $1) }
                let hint = closest.map { distance(name, $0) <= 3 ? " (did you mean \($0)?)" : "" } ?? ""
                return "\(name) is not a Herald setting and is ignored\(hint)"
            }
    }

    /// Edit distance between two names.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// `text` in lines of at most `width` characters, broken between words.
func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
        if !line.isEmpty, line.count + 1 + word.count > width {
            lines.append(line)
            line = ""
        }
        line += line.isEmpty ? String(word) : " " + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines
}
