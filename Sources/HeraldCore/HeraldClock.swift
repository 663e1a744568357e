public import Foundation

/// The time as Herald's services see it. Production reads the system clock; tests set it, so that no test waits for
/// an hour to pass.
public protocol HeraldClock: Sendable {
    func now() -> Date
}

public struct SystemClock: HeraldClock {
    public init() {}
    public func now() -> Date { Date() }
}
