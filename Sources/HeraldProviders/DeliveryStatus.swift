import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1

/// What a status poll found.
package enum DeliveryStatus: Sendable, Equatable {
    /// `ACCEPTED` or `BUFFERED`: ask again later.
    case pending(String)
    case delivered
    /// `EXPIRED`, `REJECTED` or `UNDELIVERABLE`, with the error code and reason Tyntec gave.
    case undeliverable(String)
    /// 429: too many polls; wait at least this long before the next.
    case slowDown(Duration)
    /// The poll itself failed (timeout, 5xx, an answer we cannot read); ask again later.
    case unknown(String)
}
