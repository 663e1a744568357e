/// The README's table of settings, made from the table (`herald settings --markdown`; a test keeps the README's copy
/// the same).
extension Setting {
    package static func markdownTable() -> String {
        var lines = ["| variable (option) | default | read by | what it sets |", "| --- | --- | --- | --- |"]
        for setting in all {
            let readers = !setting.roles.isSuperset(of: Role.processes)
                ? setting.roles.sorted().map(\.rawValue).joined(separator: ", ")
                : setting.roles.contains(.ctl) ? "all, ctl" : "all"
            let defaultText = setting.defaultNote.map(escape)
                ?? setting.defaultValue.map { "`\(escape($0))`" + setting.roleDefaultsText } ?? "none"
            lines.append("| `\(setting.variable)` (`\(setting.option)`) | \(defaultText) | \(readers) | \(escape(setting.summary)) |")
        }
        return lines.joined(separator: "\n")
    }

    private var roleDefaultsText: String {
        guard !roleDefaults.isEmpty else { return "" }
        return "; " + roleDefaults.sorted { $0.key < $1.key }.map { "`\($0.value)` \($0.key.rawValue)" }.joined(separator: ", ")
    }

    private static func escape(_ text: String) -> String {
        String(text.flatMap { $0 == "|" ? ["\\", "|"] : [$0] })
    }
}
