/// Every setting the fleet knows, for telling a misspelled `HERALD_*` variable from one meant for another executable
/// (a shared environment file sets variables for all of them).
public enum Settings {
    static let sources: [any OptionSource.Type] = [
        ProcessOptions.self, TopologyOptions.self, RecoveryOptions.self, ConsumerOptions.self, SMTPOptions.self,
        TyntecOptions.self, PollerOptions.self, RendererOptions.self, DigestOptions.self, APIOptions.self, CallbackOptions.self,
        InboundOptions.self, LinkOptions.self,
    ]

    /// Variables of the project's scripts and tests, not of an executable.
    static let scriptVariables: Set<String> = ["HERALD_SCRATCH_PATH"]

    public static let known: Set<String> = Set(sources.flatMap { $0.variables }).union(scriptVariables)

    /// One line for each `HERALD_*` variable in `environment` that no executable knows, with the closest known name.
    public static func unknownVariables(in environment: [String: String]) -> [String] {
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
