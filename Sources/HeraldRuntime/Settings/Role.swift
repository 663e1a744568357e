/// A role of the fleet: what one `herald` process runs (`herald email`), and the settings it reads.
package enum Role: String, CaseIterable, Sendable, Comparable {
    case api, renderer, email, sms, poller, digest, callbacks, inbound
    /// `herald ctl`, the operator's tool.
    case ctl

    /// The name of the process in logs, metrics and the process table: `herald-email` (`heraldctl` for the tool).
    package var processName: String { self == .ctl ? "heraldctl" : "herald-\(rawValue)" }

    /// The fleet's processes, every role but the tool.
    package static let processes: [Role] = allCases.filter { $0 != .ctl }

    /// The role a process name stands for (`herald-email`: `email`).
    package init?(processName: String) {
        guard let role = Role.allCases.first(where: { $0.processName == processName }) else { return nil }
        self = role
    }

    package static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
