/// Sends SMS and answers for their delivery state. One real implementation (`TyntecClient`); unit tests of the
/// workers use a fake.
package protocol SMSProvider: Sendable {
    func send(_ sms: SMSSubmission) async -> DeliveryOutcome
    func status(requestID: String) async -> DeliveryStatus
}

extension TyntecClient: SMSProvider {}
