/// A numbered schema change. Applied once, in its own transaction, in version order.
package struct Migration: Sendable {
    package let version: Int
    package let name: String
    package let statements: [String]

    /// Every migration Herald knows, in order.
    package static let all: [Migration] = [.m0001Initial, .m0002HotUpdates, .m0003SMSPolling, .m0004Preferences, .m0005Outbox, .m0006JobLedger, .m0007Retention, .m0008Tenants, .m0009OperatorKeys, .m0010FairIntake, .m0011Suppressions, .m0012InboundCallbacks, .m0013DeliveryReports, .m0014QuietHours, .m0015Bounces, .m0016SendingDomains, .m0017Unsubscribe, .m0018TemplateSender, .m0019JobLedgerName]
}
