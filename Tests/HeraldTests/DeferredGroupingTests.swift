import Foundation
import HeraldCore
@testable import HeraldStore
import Testing

@Suite("Digest grouping: which closed-window items share a digest, and in what order")
struct DeferredGroupingTests {
    let tenant = UUID()
    let other = UUID()
    let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    func recipient(_ tenantID: UUID, _ id: String) -> Recipient {
        Recipient(tenantID: tenantID, externalID: id, email: nil, phone: nil, locale: nil, timeZone: "UTC",
                  emailPreference: .hourly, smsPreference: .hourly)
    }

    /// Adds a taken, still deferred item accepted `minute` minutes after the epoch.
    func add(_ rows: inout DeferredRows, _ id: UUID, _ tenantID: UUID, _ recipient: String, _ channel: String, minute: Int) {
        rows.taken[id] = (DigestRepository.key(tenantID, recipient), channel, epoch.addingTimeInterval(3_600))
        rows.messages.append((id, "case", epoch.addingTimeInterval(Double(minute) * 60)))
        rows.contents[id] = ("subject \(minute)", "text \(minute)", nil)
    }

    @Test("one group per recipient and channel, items oldest first, ties by message id, whatever the rows' order")
    func groupsAndOrder() {
        let ids = (0..<7).map { _ in UUID() }.sorted()
        var rows = DeferredRows()
        add(&rows, ids[3], tenant, "ann", "email", minute: 5)
        add(&rows, ids[0], tenant, "ann", "sms", minute: 1)
        add(&rows, ids[6], tenant, "ann", "email", minute: 2)
        add(&rows, ids[2], tenant, "ann", "email", minute: 2)
        add(&rows, ids[4], other, "ann", "email", minute: 1)
        add(&rows, ids[5], tenant, "bob", "email", minute: 9)
        add(&rows, ids[1], tenant, "ann", "email", minute: 7)
        let people = [recipient(tenant, "ann"), recipient(other, "ann"), recipient(tenant, "bob")]
        let recipients = Dictionary(uniqueKeysWithValues: people.map { (DigestRepository.key($0.tenantID, $0.externalID), $0) })

        let groups = rows.groups(recipients: recipients)
        let forward = groups.map { ($0.recipient.tenantID, $0.recipient.externalID, $0.channel, $0.items.map(\.messageID)) }
        rows.messages.reverse()
        let backward = rows.groups(recipients: recipients)
            .map { ($0.recipient.tenantID, $0.recipient.externalID, $0.channel, $0.items.map(\.messageID)) }
        #expect(forward.count == 4)
        #expect(forward.elementsEqual(backward) { $0.0 == $1.0 && $0.1 == $1.1 && $0.2 == $1.2 && $0.3 == $1.3 })

        let annEmail = groups.first { $0.recipient.tenantID == tenant && $0.recipient.externalID == "ann" && $0.channel == .email }
        #expect(annEmail?.items.map(\.messageID) == [ids[2], ids[6], ids[3], ids[1]])
        #expect(annEmail?.items.first?.subject == "subject 2")
        #expect(annEmail?.items.allSatisfy { $0.dueAt == epoch.addingTimeInterval(3_600) && $0.category == "case" } == true)
        let annSMS = groups.first { $0.recipient.externalID == "ann" && $0.channel == .sms }
        #expect(annSMS?.items.map(\.messageID) == [ids[0]])
        let otherTenant = groups.first { $0.recipient.tenantID == other }
        #expect(otherTenant?.items.map(\.messageID) == [ids[4]], "the same id in another tenant is another recipient")
    }

    @Test("a message no longer deferred, an unknown channel or recipient, or missing content")
    func leftOutAndMissing() {
        var rows = DeferredRows()
        let cancelled = UUID(), strange = UUID(), stranger = UUID(), bare = UUID()
        add(&rows, cancelled, tenant, "ann", "email", minute: 1)
        rows.messages.removeAll { $0.id == cancelled }
        add(&rows, strange, tenant, "ann", "pigeon", minute: 2)
        add(&rows, stranger, tenant, "zed", "email", minute: 3)
        add(&rows, bare, tenant, "ann", "email", minute: 4)
        rows.contents[bare] = nil
        let groups = rows.groups(recipients: [DigestRepository.key(tenant, "ann"): recipient(tenant, "ann")])
        #expect(groups.count == 1)
        #expect(groups.first?.items.map(\.messageID) == [bare])
        #expect(groups.first?.items.first?.text == "" && groups.first?.items.first?.subject == nil)
        #expect(DeferredRows().groups(recipients: [:]).isEmpty)
    }
}
