/// A configuration value that is missing or unusable. Its description is the one line an operator sees at start.
package struct ConfigurationError: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}
