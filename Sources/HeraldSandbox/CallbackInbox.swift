package import Foundation
package import HeraldCore
import Hummingbird
import Synchronization

/// The sandbox's receiver of delivery-status callbacks: point a tenant's callback at `POST /callbacks` (any path
/// below it) and `GET /callbacks` lists the newest it got, with their signature header, and how many in all.
package final class CallbackInbox: Sendable {
    package struct Received: Sendable {
        package var sequence: Int
        package var path: String
        package var signature: String?
        package var body: JSONValue
        package var receivedAt: Date
    }

    private struct State {
        var count = 0
        var recent: [Received] = []
    }

    private let keep: Int
    private let state = Mutex(State())

    package init(keep: Int = 1000) {
        self.keep = max(1, keep)
    }

    package var count: Int { state.withLock { $0.count } }

    func add(path: String, signature: String?, body: JSONValue) {
        state.withLock { state in
            state.count += 1
            state.recent.append(Received(sequence: state.count, path: path, signature: signature, body: body, receivedAt: Date()))
            if state.recent.count > keep { state.recent.removeFirst(state.recent.count - keep) }
        }
    }

    /// Newest first.
    package var recent: [Received] { state.withLock { $0.recent.reversed() } }

    static let signatureHeader = HTTPFields.Element.Name("Herald-Signature")!

    func add(to router: Router<BasicRequestContext>) {
        let receive: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let body = (try? JSONValue.parse(Array(bytes.readableBytesView))) ?? .string(String(buffer: bytes))
            self.add(path: request.uri.path, signature: request.headers[Self.signatureHeader], body: body)
            return Response(status: .noContent)
        }
        router.post("callbacks", use: receive)
        router.post("callbacks/**", use: receive)
        router.get("callbacks") { _, _ in
            let items: [JSONValue] = self.recent.prefix(100).map { item in
                .object([
                    "sequence": .int(Int64(item.sequence)), "path": .string(item.path),
                    "signature": item.signature.map(JSONValue.string) ?? .null, "body": item.body,
                    "received_at": .string(Timestamp.string(item.receivedAt)),
                ])
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(
                string: JSONValue.object(["count": .int(Int64(self.count)), "recent": .array(items)]).encoded())))
        }
    }
}
