import Foundation
package import HeraldCore
import PostgresNIO

/// One recipient's closed-window items on one channel, oldest first.
package struct DeferredGroup: Sendable {
    package let recipient: Recipient
    package let channel: MessageChannel
    package let items: [DeferredItem]
}
