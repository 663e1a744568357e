import Foundation
package import HeraldCore
package import HeraldStore

/// Holds a message due inside its tenant's quiet hours for its channel, in its recipient's time zone, until they
/// end there: it is stored `scheduled`, and its first event says why and until when. A message whose time zone is
/// not known, or that says `urgent`, is not held (the caller decides).
package enum QuietHoursRule {
    package static func hold(_ row: inout NewMessage, hours: QuietHours?, timeZone zone: String) {
        guard let hours, let timeZone = TimeZone(identifier: zone), row.state == .queued || row.state == .scheduled,
              let release = hours.release(of: row.sendAt, in: timeZone)
        else { return }
        row.state = .scheduled
        row.sendAt = release
        row.note = "held for quiet hours (\(hours.startText)-\(hours.endText) \(zone)) until \(Timestamp.string(release))"
    }
}
