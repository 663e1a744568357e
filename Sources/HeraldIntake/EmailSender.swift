package import Foundation
import HeraldCore
import HeraldProviders
import HeraldStore

/// The `from` of an email (`{"email", "name"?}`): read from a request, and checked against the tenant's sending
/// domains before anything is stored.
package enum EmailSender {
    /// The mailbox as stored on the message (`Name <local@domain>`); nil, with a problem, if it is malformed.
    package static func parse(_ reader: FieldReader, problems: inout [Problem.InvalidParam]) -> String? {
        guard let value = reader.object("from", problems: &problems) else { return nil }
        let from = FieldReader(value, path: reader.name("from"), allowed: ["email", "name"], problems: &problems)
        let name = from.string("name", maxLength: 200, problems: &problems)
        guard let raw = from.string("email", required: true, maxLength: 254, problems: &problems) else { return nil }
        do {
            return MIMEMessage.Mailbox(address: try EmailAddress(raw).value, name: name).stored
        } catch {
            problems.append(.init(from.name("email"), "\(error)"))
            return nil
        }
    }

    /// A problem for each sender (with its field's path) whose domain is not one of the tenant's.
    package static func check(
        _ senders: [(path: String, sender: String)], tenantID: UUID, domains: any DomainOwnership
    ) async throws -> [Problem.InvalidParam] {
        guard !senders.isEmpty else { return [] }
        let wanted = Set(senders.compactMap { MIMEMessage.Mailbox(parsing: $0.sender)?.domain })
        let owned = try await domains.owned(wanted, tenantID: tenantID)
        return senders.compactMap { path, sender in
            let domain = MIMEMessage.Mailbox(parsing: sender)?.domain ?? ""
            guard !owned.contains(domain) else { return nil }
            return .init(path, "'\(domain)' is not a sending domain of this tenant (herald ctl domains add)")
        }
    }
}
