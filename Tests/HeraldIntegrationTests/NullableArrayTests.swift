import Foundation
import HeraldStore
import PostgresNIO
import Testing

/// `NullableArray` against PostgreSQL's own reading of arrays: what goes in as nil comes back as NULL, in place.
@Suite("Arrays with NULL elements, as PostgreSQL reads them")
struct NullableArrayTests {
    @Test("text, int4 and timestamptz elements keep their order, their values and their NULLs; empty arrays stay empty")
    func roundTrip() async throws {
        try await TestInfrastructure.withDatabase(migrate: false) { database in
            let logger = TestInfrastructure.logger
            let texts: [String?] = ["a", nil, "", "zażółć", nil]
            let rows = try await database.client.query("""
                select t, t is null from unnest(\(NullableArray(texts))::text[]) with ordinality as u(t, n) order by n
                """, logger: logger)
            var readTexts: [(String?, Bool)] = []
            for try await row in rows.decode((String?, Bool).self) { readTexts.append(row) }
            #expect(readTexts.map(\.0) == texts)
            #expect(readTexts.map(\.1) == texts.map { $0 == nil })

            let numbers: [Int32?] = [nil, 0, 7, nil]
            let numberRows = try await database.client.query("""
                select coalesce(array_length(\(NullableArray(numbers))::int4[], 1), 0),
                       array_to_string(\(NullableArray(numbers))::int4[], ',', 'NULL')
                """, logger: logger)
            var numbersRead: [(Int, String)] = []
            for try await row in numberRows.decode((Int, String).self) { numbersRead.append(row) }
            #expect(numbersRead.map(\.0) == [4])
            #expect(numbersRead.map(\.1) == ["NULL,0,7,NULL"])

            let instant = Date(timeIntervalSince1970: 1_800_000_000)
            let dates: [Date?] = [instant, nil]
            let dateRows = try await database.client.query("""
                select d from unnest(\(NullableArray(dates))::timestamptz[]) with ordinality as u(d, n) order by n
                """, logger: logger)
            var datesRead: [Date?] = []
            for try await row in dateRows.decode(Date?.self) { datesRead.append(row) }
            #expect(datesRead == dates)

            let none: [String?] = []
            let emptyRows = try await database.client.query(
                "select coalesce(cardinality(\(NullableArray(none))::text[]), -1)", logger: logger)
            var emptyRead: [Int] = []
            for try await row in emptyRows.decode(Int.self) { emptyRead.append(row) }
            #expect(emptyRead == [0])
        }
    }
}
