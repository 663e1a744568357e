package import Foundation
import HeraldCore
import PostgresNIO

/// One pushed report: the message its token named, the `requestId` it gives, and what it says.
package struct DeliveryReport: Sendable {
    package var messageID: UUID
    package var requestID: String
    package var delivery: ReportedDelivery

    package init(messageID: UUID, requestID: String, delivery: ReportedDelivery) {
        self.messageID = messageID
        self.requestID = requestID
        self.delivery = delivery
    }
}
