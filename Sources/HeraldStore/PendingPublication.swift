public import Foundation
public import HeraldCore

/// Messages made ready for a stage in one transaction, whose jobs are still to be published; `ledgerRow` is the
/// ledger row that stands for those jobs until their consumer is done with them.
public struct PendingPublication: Sendable {
    public let ledgerRow: Int64
    public let stage: Stage
    public let messageIDs: [UUID]

    public init(ledgerRow: Int64, stage: Stage, messageIDs: [UUID]) {
        self.ledgerRow = ledgerRow
        self.stage = stage
        self.messageIDs = messageIDs
    }
}
