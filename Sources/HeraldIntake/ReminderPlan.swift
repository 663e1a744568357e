package import Foundation
package import HeraldCore

/// When a reminder's messages go out: one at `due_at` minus each offset (or at `due_at` itself). A time already past
/// is refused, naming the offset, unless the policy is to send it at once.
package struct ReminderPlan: Sendable, Equatable {
    package enum IfPast: String, Sendable, CaseIterable {
        /// Refuse the reminder (422 naming the offset).
        case reject
        /// Send that message now.
        case sendNow = "send_now"
    }

    /// An offset before the deadline, and the field that gave it (for naming it in a problem).
    package struct Offset: Sendable, Equatable {
        package var field: String
        package var before: ISODuration?
    }

    /// The send time of each message, in the order of the offsets.
    package var sendTimes: [Date]

    /// Plans the messages, or appends a problem for each offset whose time is past (and returns nil).
    package static func plan(
        dueAt: Date, offsets: [Offset], ifPast: IfPast, now: Date, problems: inout [Problem.InvalidParam]
    ) -> ReminderPlan? {
        var times: [Date] = []
        for offset in offsets {
            let at = dueAt.addingTimeInterval(-(offset.before?.seconds ?? 0))
            guard at <= now else {
                times.append(at)
                continue
            }
            switch ifPast {
            case .sendNow:
                times.append(now)
            case .reject:
                problems.append(.init(offset.field, "the reminder would go out at \(Timestamp.string(at)), which is in the past; set if_past to 'send_now' to send it at once"))
            }
        }
        return times.count == offsets.count ? ReminderPlan(sendTimes: times) : nil
    }

    /// Reads `remind_before`: absent (at the deadline), one ISO 8601 duration, or a list of 1 to 20.
    package static func offsets(_ value: JSONValue?, problems: inout [Problem.InvalidParam]) -> [Offset] {
        switch value {
        case nil, .null?:
            return [Offset(field: "due_at", before: nil)]
        case .string(let text)?:
            do {
                return [Offset(field: "remind_before", before: try ISODuration(text))]
            } catch {
                problems.append(.init("remind_before", error.description))
                return []
            }
        case .array(let items)? where !items.isEmpty && items.count <= 20:
            var offsets: [Offset] = []
            for (index, item) in items.enumerated() {
                let field = "remind_before[\(index)]"
                guard let text = item.string else {
                    problems.append(.init(field, "must be an ISO 8601 duration string, got \(item.typeName)"))
                    continue
                }
                do { offsets.append(Offset(field: field, before: try ISODuration(text))) } catch {
                    problems.append(.init(field, error.description))
                }
            }
            return offsets
        case let other?:
            problems.append(.init("remind_before", "must be an ISO 8601 duration or a list of 1 to 20 of them, got \(other.typeName)"))
            return []
        }
    }
}
