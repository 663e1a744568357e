import Foundation
import HeraldCore
import HeraldProviders
import HeraldStore

/// What the poller makes of one round of answers: final states to record, polls to schedule again (never past the
/// end of the validity window, where the last poll decides), and polls the provider asked to slow down.
struct PollDecisions: Sendable {
    var final: [(id: UUID, state: MessageState, detail: String?)] = []
    var again: [(id: UUID, after: Duration)] = []
    var slowed: [(id: UUID, after: Duration)] = []
    /// The longest wait a 429 asked for.
    var slowDown: Duration?
    /// Polls whose answer could not be had or read, with the reason (they are asked again).
    var failedPolls: [(id: UUID, reason: String)] = []

    init(_ results: [(DuePoll, DeliveryStatus)], now: Date, configuration: PollerConfiguration) {
        for (poll, status) in results {
            switch status {
            case .delivered:
                final.append((poll.messageID, .delivered, nil))
            case .undeliverable(let detail):
                final.append((poll.messageID, .undeliverable, detail))
            case .slowDown(let wait):
                slowDown = max(slowDown ?? .zero, wait)
                slowed.append((poll.messageID, wait))
            case .pending(let state), .unknown(let state):
                if now >= poll.validUntil {
                    let seconds = Int(poll.validUntil.timeIntervalSince(poll.sentAt).rounded())
                    let window = seconds < 120 ? "\(seconds) s" : "\(seconds / 60) min"
                    final.append((poll.messageID, .undeliverable,
                                  "no final delivery state within the validity window (\(window)); last answer: \(state)"))
                } else {
                    let left = Duration.milliseconds(Int64(poll.validUntil.timeIntervalSince(now) * 1000))
                    again.append((poll.messageID, min(configuration.delay(afterPoll: poll.polls), max(left, .milliseconds(10)))))
                }
                if case .unknown(let reason) = status { failedPolls.append((poll.messageID, reason)) }
            }
        }
    }
}
