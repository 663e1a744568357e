package import Foundation

/// The time as Herald's services see it. Production reads the system clock; tests set it, so that no test waits for
/// an hour to pass.
package protocol HeraldClock: Sendable {
    func now() -> Date
}

package struct SystemClock: HeraldClock {
    package init() {}
    package func now() -> Date { Date() }
}
