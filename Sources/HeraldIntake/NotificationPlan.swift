package import Foundation
package import HeraldCore
package import HeraldRendering
package import HeraldStore

/// How a notification to a known recipient is accepted, per their preference for the template's channel: queued now
/// for `immediate`; otherwise rendered now (the digest shows things as they were) and deferred until their window
/// closes in their time zone.
package enum NotificationPlan {
    /// The message to store; throws a problem naming the field when the recipient cannot get it or it does not render.
    package static func message(
        to recipient: Recipient, template: Template, variables: JSONValue, category: String?, now: Date,
        renderer: MessageRenderer = MessageRenderer()
    ) throws -> NewMessage {
        guard let address = recipient.address(for: template.channel) else {
            let what = template.channel == .email ? "email address" : "phone number"
            throw Problem.validation([.init(
                "recipient", "recipient '\(recipient.externalID)' has no \(what) for this \(template.channel.rawValue) template")])
        }
        var row = NewMessage(
            channel: template.channel, toAddress: address, toName: nil, templateID: template.id, locale: template.locale,
            variablesJSON: variables.encoded(), state: .queued, sendAt: now)
        row.recipientID = recipient.externalID
        row.category = category
        let zone = TimeZone(identifier: recipient.timeZone) ?? .gmt
        guard let windowEnd = recipient.preference(for: template.channel).windowEnd(after: now, in: zone) else { return row }
        do {
            let output = try renderer.render(
                channel: template.channel, subject: template.subject, text: template.text, html: template.html,
                variables: variables.object ?? [:])
            row.rendered = RenderedContent(
                id: row.id, subject: output.subject, text: output.text, html: output.html, segments: output.segments)
        } catch {
            throw Problem.validation([.init("variables", "the notification does not render: \(error.description)")])
        }
        row.state = .deferred
        row.deferredUntil = windowEnd
        return row
    }
}
