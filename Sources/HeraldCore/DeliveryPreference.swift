package import Foundation

/// How a recipient wants system notifications on one channel: at once, or gathered and sent when their window
/// closes (on the hour; daily at an hour of their local day; weekly on a weekday at an hour).
package enum DeliveryPreference: Sendable, Equatable, CustomStringConvertible {
    case immediate
    case hourly
    case daily(hour: Int)
    /// `weekday` is ISO: 1 is Monday, 7 is Sunday.
    case weekly(weekday: Int, hour: Int)

    package static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// From the stored or requested form: a mode (`immediate`, `hourly`, `daily`, `weekly`) with the hour and weekday
    /// that apply.
    package init(mode: String, hour: Int, weekday: Int) throws(Invalid) {
        guard (0...23).contains(hour) else { throw Invalid("the hour must be 0 to 23, got \(hour)") }
        guard (1...7).contains(weekday) else { throw Invalid("the weekday must be 1 (Monday) to 7 (Sunday), got \(weekday)") }
        switch mode {
        case "immediate": self = .immediate
        case "hourly": self = .hourly
        case "daily": self = .daily(hour: hour)
        case "weekly": self = .weekly(weekday: weekday, hour: hour)
        default: throw Invalid("'\(mode)' is not a preference; use immediate, hourly, daily or weekly")
        }
    }

    package var mode: String {
        switch self {
        case .immediate: "immediate"
        case .hourly: "hourly"
        case .daily: "daily"
        case .weekly: "weekly"
        }
    }

    package var description: String {
        switch self {
        case .immediate, .hourly: mode
        case .daily(let hour): "daily at \(hour):00"
        case .weekly(let weekday, let hour): "weekly on \(Self.weekdays[weekday - 1]) at \(hour):00"
        }
    }

    /// When the window that `instant` falls in closes, in the recipient's time zone: the next top of the hour, or the
    /// next time the local clock reads the chosen hour (on the chosen weekday). Daylight-saving changes are the
    /// calendar's business: a skipped hour moves to the next one that exists, a repeated hour counts once.
    /// Nil for `immediate`.
    package func windowEnd(after instant: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components: DateComponents
        switch self {
        case .immediate:
            return nil
        case .hourly:
            components = DateComponents(minute: 0, second: 0, nanosecond: 0)
        case .daily(let hour):
            components = DateComponents(hour: hour, minute: 0, second: 0, nanosecond: 0)
        case .weekly(let weekday, let hour):
            // Calendar weekdays start on Sunday (1).
            components = DateComponents(hour: hour, minute: 0, second: 0, nanosecond: 0, weekday: weekday % 7 + 1)
        }
        return calendar.nextDate(after: instant, matching: components, matchingPolicy: .nextTime, repeatedTimePolicy: .first)
    }

    package struct Invalid: Error, CustomStringConvertible, Sendable {
        package let description: String
        package init(_ description: String) { self.description = description }
    }
}
