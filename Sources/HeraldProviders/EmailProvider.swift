/// What became of one submission.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The provider took the message; `providerID` identifies it there (for SMTP, the Message-ID).
    case accepted(providerID: String)
    /// Worth trying again later: a 4xx reply, a timeout, a refused connection; not before `retryAfter` if the
    /// provider said so.
    case transient(String, retryAfter: Duration? = nil)
    /// The provider refused this message for good (a 5xx reply).
    case permanent(String)
}

/// Hands emails to the outside world. One real implementation (`SMTPSender`); tests of other parts may use a fake.
public protocol EmailProvider: Sendable {
    /// Several messages at once: each one's outcome is reported (with its index) as soon as it has one, so a slow
    /// message holds up no other; returns once all are reported.
    func send(_ messages: [MIMEMessage], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) async
}
