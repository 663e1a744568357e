/// A step of the delivery pipeline that has a work queue of its own.
package enum Stage: String, CaseIterable, Sendable {
    case render = "render"
    case sendEmail = "send.email"
    case sendSMS = "send.sms"
    /// Delivery-status callbacks to tenants. Its jobs name callbacks (rows of `callbacks`), not messages, so no
    /// message waits for it.
    case callback = "callback"

    /// The stages whose jobs name messages.
    package static let messageStages: [Stage] = [.render, .sendEmail, .sendSMS]

    /// The stage that sends a channel's rendered messages.
    package static func send(_ channel: MessageChannel) -> Stage {
        channel == .email ? .sendEmail : .sendSMS
    }

    /// The states in which a message still waits for this stage's job: while one of a job's messages is in them,
    /// the job is not done with.
    package var waitingStates: [MessageState] {
        switch self {
        case .render: [.queued]
        case .sendEmail, .sendSMS: [.rendered, .sending]
        case .callback: []
        }
    }

    /// The state a message is in when this stage's job for it is published (callback jobs name no message).
    package var entryState: MessageState {
        self == .render || self == .callback ? .queued : .rendered
    }
}
