package import Foundation
import HeraldCore
import PostgresNIO

/// A tenant's sending domain as `herald ctl domains list` shows it (never with a private key).
package struct SendingDomain: Sendable {
    package struct Key: Sendable {
        package var selector: String
        package var algorithm: String
        package var publicKey: String
        package var createdAt: Date
    }

    package var domain: String
    package var returnPathDomain: String?
    package var keys: [Key]
}
