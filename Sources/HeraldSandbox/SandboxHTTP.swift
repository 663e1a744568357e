import Foundation
import HeraldCore
package import Hummingbird
import Logging

/// The sandbox's HTTP side: a web inbox (`/`) and JSON listings of what the SMTP sink received, for people (and the
/// demo) to look at; the Tyntec-compatible SMS API; and a receiver of delivery-status callbacks.
package enum SandboxHTTP {
    package static func router(
        store: MailStore, tyntec: TyntecSandbox? = nil, callbacks: CallbackInbox? = nil
    ) -> Router<BasicRequestContext> {
        let router = Router()
        tyntec?.add(to: router)
        callbacks?.add(to: router)
        InboxPage.add(to: router)
        // Envelope sender and recipients, and the message's own header fields and parts, decoded.
        router.get("mail") { _, _ in
            let items: [JSONValue] = store.recent.suffix(100).reversed().map { mail in
                let read = ReceivedMail(mail.data)
                let part = { (text: String?) in text.map { JSONValue.string(String($0.prefix(256 << 10))) } ?? .null }
                return .object([
                    "sequence": .int(Int64(mail.sequence)), "from": .string(mail.from),
                    "to": .array(mail.recipients.map(JSONValue.string)), "subject": .string(read.subject),
                    "from_header": .string(read.from), "to_header": .string(read.to),
                    "text": part(read.text), "html": part(read.html),
                    "list_unsubscribe": read.listUnsubscribe.map(JSONValue.string) ?? .null, "one_click": .bool(read.oneClick),
                    "dkim": .array(read.dkim.map(JSONValue.string)),
                    "size": .int(Int64(mail.data.count)),
                    "received_at": .string(mail.receivedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
                ])
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(
                string: JSONValue.object(["count": .int(Int64(store.count)), "recent": .array(items)]).encoded())))
        }
        router.get("mail/:sequence") { _, context in
            guard let sequence = context.parameters.get("sequence", as: Int.self),
                  let mail = store.recent.first(where: { $0.sequence == sequence })
            else { throw HTTPError(.notFound, message: "no such mail in memory") }
            return Response(status: .ok, headers: [.contentType: "message/rfc822"], body: .init(byteBuffer: ByteBuffer(bytes: mail.data)))
        }
        return router
    }
}
