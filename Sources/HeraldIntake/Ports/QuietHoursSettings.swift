package import Foundation
package import HeraldCore
package import HeraldStore

/// A tenant's quiet hours, per channel.
package protocol QuietHoursSettings: Sendable {
    func get(tenantID: UUID) async throws -> [MessageChannel: QuietHours]
    func put(_ hours: [MessageChannel: QuietHours], tenantID: UUID) async throws
    func delete(tenantID: UUID) async throws -> Bool
}

extension QuietHoursStore: QuietHoursSettings {}
