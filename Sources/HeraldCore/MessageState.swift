/// Where a message is in its life. Every change is a conditional update from an expected state, recorded as an event.
package enum MessageState: String, Codable, Sendable, CaseIterable {
    /// Accepted with a `send_at` in the future; the relay queues it when due.
    case scheduled
    /// Due; a render job is (or is about to be) on the broker.
    case queued
    case rendered
    /// A sender claimed it and is talking to the provider: if it stays here, the outcome is unknown.
    case sending
    case sent
    case delivered
    case undeliverable
    case deferred
    case digested
    /// A permanent error: bad template data, a provider's permanent refusal.
    case failed
    /// Retries exhausted; the job sits in a dead-letter queue and can be replayed.
    case dead
    case cancelled
    /// Its address is on the tenant's suppression list (an unsubscribe, a STOP, a hard bounce, a complaint, or the
    /// tenant's own entry) when it was claimed for sending: it never reached the provider.
    case suppressed
    /// An email the receiving side reported it could not deliver, for good (a delivery status notification,
    /// RFC 3464, with `Action: failed` and a 5.x.x status) after it was `sent`.
    case bounced
    /// An email its recipient reported as spam (a feedback report, RFC 5965) after it was `sent`.
    case complained

    /// States from which a message of `channel` will not move on by itself: an email ends at `sent` (unless a bounce
    /// or complaint comes back later), an SMS goes on to `delivered` or `undeliverable` once the provider reports.
    package func isFinal(for channel: MessageChannel) -> Bool {
        switch self {
        case .sent: channel == .email
        case .delivered, .undeliverable, .digested, .failed, .dead, .cancelled, .suppressed, .bounced, .complained: true
        default: false
        }
    }
}

extension Duration {
    /// The duration in (fractional) seconds, for SQL intervals and HTTP headers.
    package var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in whole nanoseconds, as metrics take it.
    package var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
