package import Foundation

/// Hours of the day in which a tenant's messages of one channel are not sent, in the recipient's own time zone:
/// `21:00`-`08:00` holds an SMS due at 23:30 in Warsaw until 08:00 the next morning there. A window may wrap midnight;
/// its end is found on the calendar of the zone, so the change to and from summer time moves it with the clocks.
package struct QuietHours: Sendable, Equatable {
    /// Minutes after midnight.
    package let start: Int
    package let end: Int

    package init(start: Int, end: Int) throws(ValidationError) {
        guard (0..<1440).contains(start), (0..<1440).contains(end) else { throw ValidationError("a time of day is 00:00 to 23:59") }
        guard start != end else { throw ValidationError("start and end are the same time: the hours would hold messages for ever") }
        self.start = start
        self.end = end
    }

    /// From `HH:MM` times.
    package init(start: String, end: String) throws(ValidationError) {
        guard let from = Self.minutes(start) else { throw ValidationError("start: '\(start)' is not a time such as 21:00") }
        guard let to = Self.minutes(end) else { throw ValidationError("end: '\(end)' is not a time such as 08:00") }
        try self.init(start: from, end: to)
    }

    package var startText: String { Self.text(start) }
    package var endText: String { Self.text(end) }

    /// When a message due at `instant` may go to someone in `zone`: the next end of the hours there, if `instant`
    /// falls inside them; nil if it does not.
    package func release(of instant: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let local = calendar.dateComponents([.hour, .minute], from: instant)
        let minute = (local.hour ?? 0) * 60 + (local.minute ?? 0)
        let inside = start < end ? (start..<end).contains(minute) : (minute >= start || minute < end)
        guard inside else { return nil }
        // The next wall-clock `end` after the instant; on a day the clocks skip it, the first time after the gap.
        return calendar.nextDate(
            after: instant, matching: DateComponents(hour: end / 60, minute: end % 60, second: 0),
            matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward)
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    static func text(_ minutes: Int) -> String {
        let hour = minutes / 60, minute = minutes % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    package struct ValidationError: Error, CustomStringConvertible, Sendable {
        package let description: String
        init(_ description: String) { self.description = description }
    }
}
