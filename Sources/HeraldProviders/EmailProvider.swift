/// Hands emails to the outside world. One real implementation (`SMTPSender`); tests of other parts may use a fake.
package protocol EmailProvider: Sendable {
    /// Several messages at once: each one's outcome is reported (with its index) as soon as it has one, so a slow
    /// message holds up no other; returns once all are reported.
    func send(_ messages: [MIMEMessage], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) async
}
