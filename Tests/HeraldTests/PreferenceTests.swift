import Foundation
import HeraldCore
import Testing

@Suite struct PreferenceTests {
    static func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }
    static let warsaw = TimeZone(identifier: "Europe/Warsaw")!
    static let newYork = TimeZone(identifier: "America/New_York")!
    static let kolkata = TimeZone(identifier: "Asia/Kolkata")!

    @Test func dailyWindowsCloseAtTheLocalHour() {
        let daily = DeliveryPreference.daily(hour: 8)
        // 07:30 in Warsaw (UTC+1 in winter): closes the same morning at 08:00 local = 07:00 UTC.
        #expect(daily.windowEnd(after: Self.date("2026-11-23T06:30:00Z"), in: Self.warsaw) == Self.date("2026-11-23T07:00:00Z"))
        // Past 08:00 local: the next morning.
        #expect(daily.windowEnd(after: Self.date("2026-11-23T07:00:00Z"), in: Self.warsaw) == Self.date("2026-11-24T07:00:00Z"))
        // The same instant is a different local day in New York (UTC-5).
        #expect(daily.windowEnd(after: Self.date("2026-11-23T06:30:00Z"), in: Self.newYork) == Self.date("2026-11-23T13:00:00Z"))
    }

    @Test func dailyWindowsFollowDaylightSavingChanges() {
        let daily = DeliveryPreference.daily(hour: 8)
        // Warsaw moves to summer time on 29 March 2026: 08:00 is 07:00 UTC before and 06:00 UTC after.
        #expect(daily.windowEnd(after: Self.date("2026-03-28T08:00:00Z"), in: Self.warsaw) == Self.date("2026-03-29T06:00:00Z"))
        #expect(daily.windowEnd(after: Self.date("2026-03-29T06:00:00Z"), in: Self.warsaw) == Self.date("2026-03-30T06:00:00Z"))
        // 02:00 does not exist that night: a window at 02:00 closes at the next time that does (03:00 CEST = 01:00 UTC).
        #expect(DeliveryPreference.daily(hour: 2).windowEnd(after: Self.date("2026-03-28T22:00:00Z"), in: Self.warsaw)
                == Self.date("2026-03-29T01:00:00Z"))
        // Back to winter time on 25 October 2026: 02:00 happens twice; the window closes at the first.
        #expect(DeliveryPreference.daily(hour: 2).windowEnd(after: Self.date("2026-10-24T22:00:00Z"), in: Self.warsaw)
                == Self.date("2026-10-25T00:00:00Z"))
    }

    @Test func hourlyAndWeeklyWindows() {
        // Kolkata is UTC+5:30: its hours turn at half past the UTC hour.
        #expect(DeliveryPreference.hourly.windowEnd(after: Self.date("2026-11-23T10:10:00Z"), in: Self.kolkata)
                == Self.date("2026-11-23T10:30:00Z"))
        // Monday 23 November 2026, 12:00 in Warsaw; weekly on Friday at 17:00 local.
        #expect(DeliveryPreference.weekly(weekday: 5, hour: 17).windowEnd(after: Self.date("2026-11-23T11:00:00Z"), in: Self.warsaw)
                == Self.date("2026-11-27T16:00:00Z"))
        // Weekly on Sunday (7).
        #expect(DeliveryPreference.weekly(weekday: 7, hour: 9).windowEnd(after: Self.date("2026-11-23T11:00:00Z"), in: .gmt)
                == Self.date("2026-11-29T09:00:00Z"))
        #expect(DeliveryPreference.immediate.windowEnd(after: Date(), in: .gmt) == nil)
    }

    @Test func preferencesAreChecked() throws {
        #expect(throws: DeliveryPreference.Invalid.self) { try DeliveryPreference(mode: "sometimes", hour: 8, weekday: 1) }
        #expect(throws: DeliveryPreference.Invalid.self) { try DeliveryPreference(mode: "daily", hour: 24, weekday: 1) }
        #expect(try DeliveryPreference(mode: "weekly", hour: 9, weekday: 3) == .weekly(weekday: 3, hour: 9))
    }

    @Test(arguments: [("P1D", 86_400.0), ("PT1H", 3_600), ("P1DT12H", 129_600), ("PT90M", 5_400), ("P2W", 1_209_600), ("PT0.5S", 0.5)])
    func durations(_ text: String, _ seconds: Double) throws {
        #expect(try ISODuration(text).seconds == seconds)
    }

    @Test(arguments: ["", "P", "1D", "PT", "P1H", "PT1D", "P1DT", "P1M", "P1Y", "PxD", "P1D1H", "PT1S1M"])
    func malformedDurations(_ text: String) {
        #expect(throws: ISODuration.Invalid.self) { try ISODuration(text) }
    }
}
