import HeraldIntake
import Foundation
import HeraldCore
import HeraldProviders
import HeraldStore
import Hummingbird
import Metrics

/// One-click unsubscribe (RFC 8058), without an API key: the link's signed token names the email. `GET /u/{token}`
/// shows a page with a button and by itself changes nothing (link scanners fetch links); `POST /u/{token}` with
/// `List-Unsubscribe=One-Click` (what mailbox providers and the page's button send) suppresses the address for the
/// email's tenant and category, idempotently. A forged token, or one whose email retention has erased, is a 404.
struct UnsubscribeRoutes: Sendable {
    let suppressions: any SuppressionList
    let tokens: ProviderTokens?

    static let done = Counter(label: "herald_unsubscribes_total", dimensions: [("via", "one-click")])

    func add(to router: Router<HeraldRequestContext>) {
        router.get("u/:token", use: page)
        router.post("u/:token", use: unsubscribe)
    }

    func messageID(_ context: HeraldRequestContext) throws -> UUID {
        guard let tokens, let token = context.parameters.get("token"), let id = tokens.messageID(in: token, .unsubscribe) else {
            throw Problem.notFound("no such unsubscribe link")
        }
        return id
    }

    func page(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        _ = try messageID(context)
        return Self.html(.ok, """
            <p>Stop receiving these emails?</p>
            <form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
            <button type="submit">Unsubscribe</button></form>
            """)
    }

    func unsubscribe(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = try messageID(context)
        let body = try await request.body.collect(upTo: 4096)
        guard String(buffer: body).contains("List-Unsubscribe=One-Click") else {
            throw Problem.validation([.init("body", "must be List-Unsubscribe=One-Click (RFC 8058)")])
        }
        guard try await suppressions.unsubscribe(messageID: id) else { throw Problem.notFound("no such unsubscribe link") }
        Self.done.increment()
        return Self.html(.ok, "<p>You are unsubscribed.</p>")
    }

    static func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
        let page = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>Unsubscribe</title></head><body style="font-family: sans-serif; max-width: 32em; margin: 3em auto">
            \(body)</body></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
