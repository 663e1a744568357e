/// Why a template could not be compiled or a message not rendered; safe to show to the API's caller.
public struct RenderError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
