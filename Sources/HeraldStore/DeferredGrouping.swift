import Foundation
import HeraldCore

/// The rows one aggregation took out of the database, and the grouping made of them: no SQL here, so that the order of
/// a digest's items and which items share a digest can be tested without a server.
struct DeferredRows {
    /// What `deferred_items` held for each taken message: its recipient's key, its channel and when it was due.
    var taken: [UUID: (recipient: DigestRepository.RecipientKey, channel: String, dueAt: Date)] = [:]
    /// The taken messages still `deferred` (a cancelled one is not), with their category and when they were accepted.
    var messages: [(id: UUID, category: String?, acceptedAt: Date)] = []
    /// The content each message was rendered with when accepted.
    var contents: [UUID: (subject: String?, text: String, html: String?)] = [:]

    /// One group per recipient and channel, in the order of the recipients' keys and then channels; within a group the
    /// items oldest first, ties broken by message id so that the order never depends on the database's. A message that
    /// is not still deferred, whose recipient is not among `recipients` or whose channel is unknown is in no group.
    func groups(recipients: [DigestRepository.RecipientKey: Recipient]) -> [DeferredGroup] {
        var items: [(recipient: DigestRepository.RecipientKey, channel: String, item: DeferredItem)] = []
        for message in messages {
            guard let place = taken[message.id] else { continue }
            let content = contents[message.id]
            items.append((place.recipient, place.channel, DeferredItem(
                messageID: message.id, subject: content?.subject, text: content?.text ?? "", html: content?.html,
                category: message.category, acceptedAt: message.acceptedAt, dueAt: place.dueAt)))
        }
        items.sort {
            ($0.recipient, $0.channel, $0.item.acceptedAt, $0.item.messageID)
                < ($1.recipient, $1.channel, $1.item.acceptedAt, $1.item.messageID)
        }
        var groups: [DeferredGroup] = []
        var start = items.startIndex
        while start < items.endIndex {
            let (recipientKey, channelName, _) = items[start]
            let end = items[start...].firstIndex { $0.recipient != recipientKey || $0.channel != channelName } ?? items.endIndex
            if let recipient = recipients[recipientKey], let channel = MessageChannel(rawValue: channelName) {
                groups.append(DeferredGroup(recipient: recipient, channel: channel, items: items[start..<end].map(\.item)))
            }
            start = end
        }
        return groups
    }
}
