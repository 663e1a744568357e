package import Foundation
package import HeraldStore

/// Where delivery reports that providers push are applied to their messages.
package protocol ReportLedger: Sendable {
    func apply(_ reports: [DeliveryReport], grace: Duration) async throws -> [UUID: DeliveryReportOutcome]
}

extension DeliveryReportStore: ReportLedger {}
