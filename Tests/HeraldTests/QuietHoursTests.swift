import Foundation
import HeraldCore
import Testing

@Suite("Quiet hours in the recipient's time zone, across the changes of the clocks")
struct QuietHoursTests {
    let warsaw = TimeZone(identifier: "Europe/Warsaw")!
    let evening = try! QuietHours(start: "21:00", end: "08:00")

    func instant(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    @Test func outsideIsNotHeld() {
        #expect(evening.release(of: instant("2026-12-03T12:00:00Z"), in: warsaw) == nil)  // 13:00 in Warsaw
        #expect(evening.release(of: instant("2026-12-03T07:00:00Z"), in: warsaw) == nil)  // 08:00: the hours are over
        #expect(evening.release(of: instant("2026-12-03T19:59:00Z"), in: warsaw) == nil)  // 20:59
    }

    @Test func insideIsHeldUntilTheEndThere() {
        // 23:30 and 03:00 in Warsaw (UTC+1 in winter): held until 08:00 the next morning there, 07:00 UTC.
        #expect(evening.release(of: instant("2026-12-03T22:30:00Z"), in: warsaw) == instant("2026-12-04T07:00:00Z"))
        #expect(evening.release(of: instant("2026-12-04T02:00:00Z"), in: warsaw) == instant("2026-12-04T07:00:00Z"))
        // 21:00 sharp is inside.
        #expect(evening.release(of: instant("2026-12-03T20:00:00Z"), in: warsaw) == instant("2026-12-04T07:00:00Z"))
        // The same instant in New York is 17:30: outside.
        #expect(evening.release(of: instant("2026-12-03T22:30:00Z"), in: TimeZone(identifier: "America/New_York")!) == nil)
    }

    @Test func springForward() {
        // 29 March 2026: Warsaw's clocks go from 02:00 CET to 03:00 CEST. A message at 23:00 CET on the 28th waits
        // until 08:00 CEST, which is 06:00 UTC (not 07:00).
        #expect(evening.release(of: instant("2026-03-28T22:00:00Z"), in: warsaw) == instant("2026-03-29T06:00:00Z"))
        // Hours ending at 02:30, a time that day does not have: released when the clocks jump, 03:00 CEST.
        let night = try! QuietHours(start: "22:00", end: "02:30")
        #expect(night.release(of: instant("2026-03-28T23:00:00Z"), in: warsaw) == instant("2026-03-29T01:00:00Z"))
    }

    @Test func fallBack() {
        // 25 October 2026: 03:00 CEST becomes 02:00 CET. 23:00 CEST on the 24th waits until 08:00 CET, 07:00 UTC.
        #expect(evening.release(of: instant("2026-10-24T21:00:00Z"), in: warsaw) == instant("2026-10-25T07:00:00Z"))
        // Hours ending at 02:30, a time that day has twice: released at the first.
        let night = try! QuietHours(start: "22:00", end: "02:30")
        #expect(night.release(of: instant("2026-10-24T21:00:00Z"), in: warsaw) == instant("2026-10-25T00:30:00Z"))
    }

    @Test func daytimeWindows() throws {
        let lunch = try QuietHours(start: "12:00", end: "13:00")
        #expect(lunch.release(of: instant("2026-12-03T11:30:00Z"), in: warsaw) == instant("2026-12-03T12:00:00Z"))
        #expect(lunch.release(of: instant("2026-12-03T12:30:00Z"), in: warsaw) == nil)
    }

    @Test(arguments: [("21:00", "21:00"), ("25:00", "08:00"), ("9:00", "10:00"), ("21:00", "08:60"), ("", "08:00")])
    func invalid(_ start: String, _ end: String) {
        #expect(throws: QuietHours.ValidationError.self) { try QuietHours(start: start, end: end) }
    }
}
