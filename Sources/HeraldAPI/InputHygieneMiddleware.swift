import HeraldIntake
import Hummingbird
import Foundation

/// Refuses, before any handler or database sees them, what PostgreSQL cannot store and what no client means: a path
/// whose percent-decoding is not UTF-8 or holds a control character (`%00` among them), and header values with
/// control characters. Each refusal is a 400 problem naming the part.
struct InputHygieneMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard let decoded = path.removingPercentEncoding, !decoded.unicodeScalars.contains(where: Self.isControl) else {
            throw Problem(.badRequest, type: "bad-path", title: "Invalid path",
                          detail: "the path must be UTF-8 without control characters once percent-decoded",
                          invalidParams: [.init("path", "has invalid UTF-8 or a control character")])
        }
        for field in request.headers where field.value.unicodeScalars.contains(where: { Self.isControl($0) && $0 != "\t" }) {
            throw Problem(.badRequest, type: "bad-header", title: "Invalid header",
                          detail: "the \(field.name.canonicalName) header has a control character",
                          invalidParams: [.init(field.name.canonicalName, "has a control character")])
        }
        return try await next(request, context)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}
