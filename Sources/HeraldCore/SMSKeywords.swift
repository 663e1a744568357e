import Foundation

/// The words an SMS recipient answers with to stop a tenant's SMS (STOP and its kin) or to have them again (START).
/// A reply is a keyword when, case and accents aside, nothing but spaces and punctuation surround it: "Stop.",
/// " stop! " and "ARRÊT" stop; "please stop texting me" does not.
package struct SMSKeywords: Sendable {
    package enum Keyword: String, Sendable {
        case stop
        case start
    }

    /// The stop words carriers and regulators expect honoured (as GOV.UK Notify, Twilio and AWS do).
    package static let standardStop = ["STOP", "ARRET", "CANCEL", "END", "OPTOUT", "QUIT", "REMOVE", "UNSUBSCRIBE", "STOPALL"]
    package static let standardStart = ["START", "UNSTOP"]

    let stop: Set<String>
    let start: Set<String>

    /// The standard words and `extraStop` / `extraStart` (e.g. Polish "NIE"), in any case.
    package init(extraStop: [String] = [], extraStart: [String] = []) {
        stop = Set((Self.standardStop + extraStop).map(Self.fold).filter { !$0.isEmpty })
        start = Set((Self.standardStart + extraStart).map(Self.fold).filter { !$0.isEmpty })
    }

    /// The keyword `text` is, if it is one.
    package func keyword(in text: String) -> Keyword? {
        guard text.utf8.count <= 200 else { return nil }
        let word = Self.fold(text)
        if stop.contains(word) { return .stop }
        if start.contains(word) { return .start }
        return nil
    }

    /// Upper case without accents, with surrounding spaces and punctuation gone.
    static func fold(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters).union(.symbols))
        return trimmed.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).uppercased()
    }

    /// Words from a comma-separated setting (`HERALD_SMS_STOP_WORDS`).
    package static func words(_ setting: String?) -> [String] {
        (setting ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
