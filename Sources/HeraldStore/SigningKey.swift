import Foundation
import HeraldCore
import PostgresNIO

/// A DKIM key as herald-email signs with it.
package struct SigningKey: Sendable {
    package var domain: String
    package var selector: String
    package var algorithm: String
    package var privateKey: String
}
