import HeraldIntake
import HeraldRuntime
import HeraldStore
import Hummingbird
import Logging

/// Turns every error into a problem response: Hummingbird's own errors keep their status, anything unexpected is
/// logged and answered with a 500 that reveals nothing internal.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            let detail = error.body ?? (error.status == .notFound ? "no route \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            throw Problem(error.status, type: "http", title: error.status.reasonPhrase, detail: detail, headers: error.headers)
        } catch {
            // Described without the query's parameters, which carry keys, addresses and variables.
            context.logger.error("request failed", metadata: ["error": "\(ProcessRuntime.describe(error))"])
            throw Problem(.internalServerError, type: "internal", title: "Internal error", detail: "the request could not be completed; nothing was stored")
        }
    }
}
