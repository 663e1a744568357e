@testable import HeraldBus
import HeraldCore
import Testing

@Suite struct JSONValueTests {
    @Test func readsEveryKindOfValue() throws {
        let value = try JSONValue.parse(Array(#" {"a": [1, -2.5, 3e2, true, false, null], "b": "x\"\\\/\n\u00e9\ud83d\ude00", "c": {}} "#.utf8))
        #expect(value == .object([
            "a": .array([.int(1), .double(-2.5), .double(300), .bool(true), .bool(false), .null]),
            "b": .string("x\"\\/\né😀"),
            "c": .object([:]),
        ]))
    }

    @Test func writesCompactSortedJSONThatReadsBack() throws {
        let value = JSONValue.object(["z": .string("line\nbreak \"quoted\" \u{1}"), "a": .array([.int(-7), .double(0.5), .null])])
        let text = value.encoded()
        #expect(text == #"{"a":[-7,0.5,null],"z":"line\nbreak \"quoted\" \u0001"}"#)
        #expect(try JSONValue.parse(Array(text.utf8)) == value)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{'a': 1}", "01", "1.", "-", "tru", "\"\u{1}\"", "\"abc", "[1] 2", "\"\\x\"",
        "\"\\ud800\"", "{\"a\":1,}",
    ])
    func refusesMalformedDocuments(_ text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func refusesHostileNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(deep.utf8)) }
    }
}

@Suite struct AckLedgerTests {
    @Test func coalescesTheOldestRunAndSendsTheRestAlone() {
        var ledger = AckLedger()
        for tag in UInt64(1)...6 { ledger.delivered(tag) }
        // 1-3 form a run from the oldest open tag; 5 waits behind 4 and goes alone.
        var plan = ledger.plan(acks: [2, 1, 3, 5])
        #expect(plan.multiple == 3)
        #expect(plan.single == [5])
        // 4 is rejected elsewhere; acking 6 then covers 6 alone as a run (4 and 5 are settled already).
        ledger.settled(4)
        plan = ledger.plan(acks: [6])
        #expect(plan.multiple == 6)
        #expect(plan.single.isEmpty)
    }

    @Test func startsAfreshAfterTheConnectionIsLost() {
        var ledger = AckLedger()
        ledger.delivered(1)
        ledger.delivered(2)
        ledger.reset()
        ledger.delivered(1)
        let plan = ledger.plan(acks: [1])
        #expect(plan.multiple == 1)
        #expect(plan.single.isEmpty)
    }
}
