import ArgumentParser

/// A group of command-line options, each standing for one environment variable: an option given on the command line
/// overrides the variable, and the variable (or the documented default) applies otherwise. So every setting reads
/// the same way whichever way it was given, and `--help` lists each option with its variable.
public protocol OptionSource: ParsableArguments {
    /// Each option's variable with the value given on the command line (nil: not given).
    var values: [String: String?] { get }
}

extension OptionSource {
    /// The variables this group stands for.
    static var variables: [String] { ((try? Self.parse([]))?.values.keys).map(Array.init) ?? [] }
}

/// Help for an option: what it sets, its variable and its default.
func setting(_ variable: String, _ text: String, default defaultValue: String? = nil) -> ArgumentHelp {
    ArgumentHelp("\(text) [\(variable)\(defaultValue.map { "; default \($0)" } ?? "")]")
}
