import Foundation
import HeraldProviders
import Synchronization

/// An SMTP server stand-in: answers each address as told, records what it was given.
final class FakeEmailProvider: EmailProvider {
    let answers: [String: DeliveryOutcome]
    let received = Mutex<[MIMEMessage]>([])

    init(answers: [String: DeliveryOutcome] = [:]) {
        self.answers = answers
    }

    func send(_ messages: [MIMEMessage], completed: @escaping @Sendable (Int, DeliveryOutcome) -> Void) async {
        received.withLock { $0 += messages }
        for (index, message) in messages.enumerated().reversed() {
            completed(index, answers[message.to.address] ?? .accepted(providerID: message.messageID))
        }
    }
}

/// A Tyntec stand-in: answers each number and request id as told, records submissions.
final class FakeSMSProvider: SMSProvider {
    let sendAnswers: [String: DeliveryOutcome]
    let submissions = Mutex<[SMSSubmission]>([])

    init(sendAnswers: [String: DeliveryOutcome] = [:]) {
        self.sendAnswers = sendAnswers
    }

    func send(_ sms: SMSSubmission) async -> DeliveryOutcome {
        submissions.withLock { $0.append(sms) }
        return sendAnswers[sms.to] ?? .accepted(providerID: "req-\(sms.reference)")
    }

    func status(requestID: String) async -> DeliveryStatus { .pending("ACCEPTED") }
}
