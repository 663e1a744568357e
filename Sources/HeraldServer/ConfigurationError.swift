/// A configuration value that is missing or unusable. Its description is the one line an operator sees at start.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
