/// An ISO 8601 duration of fixed length: `PnW`, or `PnDTnHnMnS` (any part may be left out; seconds may have a
/// fraction). Years and months are refused: their length depends on the date they count from.
package struct ISODuration: Sendable, Equatable, CustomStringConvertible {
    package let text: String
    package let seconds: Double

    package init(_ text: String) throws(Invalid) {
        let invalid = Invalid("'\(text)' is not an ISO 8601 duration such as P1D, PT1H or P1DT12H")
        guard text.hasPrefix("P"), text.count > 1 else { throw invalid }
        var total = 0.0
        var number = ""
        var inTime = false
        var sawPart = false
        var lastRank = -1
        for character in text.dropFirst() {
            if character.isASCII && (character.isNumber || character == "." || character == ",") {
                number.append(character == "," ? "." : character)
                continue
            }
            if character == "T" {
                guard !inTime, number.isEmpty else { throw invalid }
                inTime = true
                continue
            }
            guard let value = Double(number) else { throw invalid }
            let (rank, unit): (Int, Double)
            switch (character, inTime) {
            case ("Y", false), ("M", false):
                throw Invalid("'\(text)': years and months have no fixed length; give days or weeks instead")
            case ("W", false): (rank, unit) = (0, 604_800)
            case ("D", false): (rank, unit) = (1, 86_400)
            case ("H", true): (rank, unit) = (2, 3_600)
            case ("M", true): (rank, unit) = (3, 60)
            case ("S", true): (rank, unit) = (4, 1)
            default: throw invalid
            }
            guard rank > lastRank else { throw invalid }
            lastRank = rank
            total += value * unit
            number = ""
            sawPart = true
        }
        guard sawPart, number.isEmpty, !(inTime && lastRank < 2) else { throw invalid }
        self.text = text
        seconds = total
    }

    package var description: String { text }

    package struct Invalid: Error, CustomStringConvertible, Sendable {
        package let description: String
        init(_ description: String) { self.description = description }
    }
}
