import Foundation
import HeraldCore
import PostgresNIO

/// How long Herald keeps what it was given: personal data (addresses, names, variables, rendered content, and the
/// address wherever a provider's reply quoted it, and callbacks not delivered) for `personalData` after a message's last change once it is final,
/// and the rest of the row (state, timestamps, events) for `history` after it was accepted, for statistics.
package struct RetentionPolicy: Sendable, Equatable {
    package var personalData: Duration
    package var history: Duration

    package init(personalData: Duration = .seconds(7 * 86_400), history: Duration = .seconds(90 * 86_400)) {
        self.personalData = personalData
        self.history = history
    }
}
