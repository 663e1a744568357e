/// Why a template could not be compiled or a message not rendered; safe to show to the API's caller.
package struct RenderError: Error, CustomStringConvertible, Sendable, Equatable {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}
