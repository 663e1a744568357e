/// What became of one submission.
package enum DeliveryOutcome: Sendable, Equatable {
    /// The provider took the message; `providerID` identifies it there (for SMTP, the Message-ID).
    case accepted(providerID: String)
    /// Worth trying again later: a 4xx reply, a timeout, a refused connection; not before `retryAfter` if the
    /// provider said so.
    case transient(String, retryAfter: Duration? = nil)
    /// The provider refused this message for good (a 5xx reply).
    case permanent(String)
}
