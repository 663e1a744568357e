package import Foundation
package import HeraldCore

/// Messages made ready for a stage in one transaction, whose jobs are still to be published; `ledgerRow` is the
/// ledger row that stands for those jobs until their consumer is done with them.
package struct PendingPublication: Sendable {
    package let ledgerRow: Int64
    package let stage: Stage
    package let messageIDs: [UUID]

    package init(ledgerRow: Int64, stage: Stage, messageIDs: [UUID]) {
        self.ledgerRow = ledgerRow
        self.stage = stage
        self.messageIDs = messageIDs
    }
}
