import Foundation
@testable import HeraldIntake
import HeraldCore
@testable import HeraldStore
import Testing

@Suite("Reminder planning")
struct ReminderPlanTests {
    let now = Timestamp.parse("2026-11-24T10:00:00Z")!

    func offsets(_ json: String?) throws -> ([ReminderPlan.Offset], [String]) {
        var problems: [Problem.InvalidParam] = []
        let value = try json.map { try JSONValue.parse(Array($0.utf8)) }
        return (ReminderPlan.offsets(value, problems: &problems), problems.map(\.name))
    }

    @Test("remind_before: absent, one duration, a list; bad ones named by index")
    func readsOffsets() throws {
        #expect(try offsets(nil).0 == [.init(field: "due_at", before: nil)])
        #expect(try offsets(#""P1D""#).0.map(\.field) == ["remind_before"])
        #expect(try offsets(#"["P1D", "PT1H"]"#).0.map(\.field) == ["remind_before[0]", "remind_before[1]"])
        #expect(try offsets(#"["P1D", 5, "soon"]"#).1 == ["remind_before[1]", "remind_before[2]"])
        #expect(try offsets(#"[]"#).1 == ["remind_before"])
        #expect(try offsets(#"{"a": 1}"#).1 == ["remind_before"])
    }

    @Test("each message at due_at minus its offset; a past one refused by name, or sent now")
    func plans() throws {
        let due = now.addingTimeInterval(3 * 3600)
        let (list, _) = try offsets(#"["P1D", "PT1H"]"#)
        var problems: [Problem.InvalidParam] = []
        #expect(ReminderPlan.plan(dueAt: due, offsets: list, ifPast: .reject, now: now, problems: &problems) == nil)
        #expect(problems.map(\.name) == ["remind_before[0]"])

        problems = []
        let plan = try #require(ReminderPlan.plan(dueAt: due, offsets: list, ifPast: .sendNow, now: now, problems: &problems))
        #expect(plan.sendTimes == [now, due.addingTimeInterval(-3600)])
        #expect(problems.isEmpty)
    }
}

@Suite("Notification planning")
struct NotificationPlanTests {
    let now = Timestamp.parse("2026-11-24T10:30:00Z")!
    let template = Template(
        id: 7, name: "case-update", locale: "", version: 1, channel: .email, subject: "Case {{n}}", text: "Update {{n}}",
        html: nil, createdAt: Date())

    func recipient(_ preference: DeliveryPreference, email: String? = "anna@example.com") -> Recipient {
        Recipient(
            externalID: "anna", email: email, phone: nil, locale: nil, timeZone: "Europe/Warsaw",
            emailPreference: preference, smsPreference: .immediate)
    }

    @Test("immediate: queued now, rendered later by the renderer")
    func immediate() throws {
        let row = try NotificationPlan.message(
            to: recipient(.immediate), template: template, variables: .object(["n": .int(1)]), category: nil, now: now)
        #expect(row.state == .queued)
        #expect(row.rendered == nil)
        #expect(row.toAddress == "anna@example.com")
    }

    @Test("daily at 8 in Warsaw: rendered now, deferred until the next 08:00 local")
    func daily() throws {
        let row = try NotificationPlan.message(
            to: recipient(.daily(hour: 8)), template: template, variables: .object(["n": .int(2)]), category: "case",
            now: now)
        #expect(row.state == .deferred)
        #expect(row.rendered?.subject == "Case 2")
        #expect(row.deferredUntil == Timestamp.parse("2026-11-25T07:00:00Z"))
        #expect(row.category == "case")
    }

    @Test("a recipient without an address for the channel, or variables that do not render, are refused by field")
    func refusals() {
        #expect(throws: Problem.self) {
            try NotificationPlan.message(
                to: recipient(.immediate, email: nil), template: template, variables: .object([:]), category: nil, now: now)
        }
        #expect(throws: Problem.self) {
            try NotificationPlan.message(
                to: recipient(.daily(hour: 8)), template: template, variables: .object([:]), category: nil, now: now)
        }
    }
}
