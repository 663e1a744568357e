import Foundation
import HeraldCore

/// Messages made ready for a stage in one transaction, whose jobs are still to be published; `outboxID` is the
/// ledger row that stands for those jobs until their consumer is done with them.
public struct PendingPublication: Sendable {
    public let outboxID: Int64
    public let stage: Stage
    public let messageIDs: [UUID]

    public init(outboxID: Int64, stage: Stage, messageIDs: [UUID]) {
        self.outboxID = outboxID
        self.stage = stage
        self.messageIDs = messageIDs
    }
}
