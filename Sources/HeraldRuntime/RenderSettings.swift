import Foundation
import HeraldCore

/// How messages are rendered (`herald-renderer`, and `herald-api`'s previews): read once, for both.
package struct RenderSettings: Sendable {
    /// SMS needing more parts than this fail.
    package var maxSMSSegments: Int
    /// The most bytes a rendered part may have.
    package var maxBytes: Int
    /// SMS look-alikes of GSM-7 characters are replaced.
    package var transliterate: Bool

    package init(environment: Environment) throws {
        maxSMSSegments = try environment.int(.smsMaxSegments)
        maxBytes = try environment.int(.renderMaxBytes)
        transliterate = try environment.flag(.smsTransliterate)
    }
}
