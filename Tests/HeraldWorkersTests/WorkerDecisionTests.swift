import Foundation
import HeraldCore
import HeraldProviders
@testable import HeraldStore
@testable import HeraldWorkers
import Synchronization
import Testing

@Suite("Partial-job retry")
struct RetryPlanTests {
    @Test("of a job's messages, only those refused for now and those never claimed go on, after the longest Retry-After")
    func partOfAJob() {
        let ids = (0..<5).map { _ in UUID() }
        let outcomes: [UUID: DeliveryOutcome] = [
            ids[0]: .accepted(providerID: "a"), ids[1]: .permanent("550 no such user"),
            ids[2]: .transient("451 try later", retryAfter: .seconds(30)), ids[3]: .transient("429", retryAfter: .seconds(90)),
        ]
        let plan = RetryPlan(job: Job(messageIDs: ids), outcomes: outcomes, unclaimed: [ids[4]])
        #expect(plan.refused.map(\.id) == [ids[2], ids[3]])
        #expect(plan.refused.map(\.reason) == ["451 try later", "429"])
        #expect(plan.unclaimed == [ids[4]])
        #expect(plan.notBefore == .seconds(90))
    }

    @Test("a job whose messages were all sent, failed or not ours is settled as it is")
    func nothingToRetry() {
        let ids = (0..<3).map { _ in UUID() }
        let plan = RetryPlan(
            job: Job(messageIDs: ids), outcomes: [ids[0]: .accepted(providerID: "a"), ids[1]: .permanent("550")],
            unclaimed: [])
        #expect(plan.refused.isEmpty && plan.unclaimed.isEmpty)
        #expect(plan.notBefore == nil)
    }
}

@Suite("Poller decisions")
struct PollDecisionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let configuration = PollerConfiguration(delays: [.seconds(2), .seconds(5), .seconds(60)])

    func poll(polls: Int = 1, sentAgo: TimeInterval = 10, validFor: TimeInterval = 3600) -> DuePoll {
        DuePoll(
            messageID: UUID(), requestID: "r", polls: polls, sentAt: now.addingTimeInterval(-sentAgo),
            validUntil: now.addingTimeInterval(-sentAgo + validFor))
    }

    @Test("final answers are recorded; pending ones asked again after the next delay, never past the validity window")
    func decisions() {
        let delivered = poll(), rejected = poll(), pending = poll(polls: 2), nearlyExpired = poll(polls: 2, validFor: 13)
        let expired = poll(validFor: 5), failed = poll(), throttled = poll()
        let decisions = PollDecisions([
            (delivered, .delivered), (rejected, .undeliverable("REJECTED: 2201 unknown subscriber")),
            (pending, .pending("BUFFERED")), (nearlyExpired, .pending("BUFFERED")), (expired, .pending("ACCEPTED")),
            (failed, .unknown("HTTP 502")), (throttled, .slowDown(.seconds(7))),
        ], now: now, configuration: configuration)

        #expect(decisions.final.map(\.id) == [delivered.messageID, rejected.messageID, expired.messageID])
        #expect(decisions.final.map(\.state) == [.delivered, .undeliverable, .undeliverable])
        #expect(decisions.final[2].detail == "no final delivery state within the validity window (5 s); last answer: ACCEPTED")
        #expect(decisions.again.map(\.id) == [pending.messageID, nearlyExpired.messageID, failed.messageID])
        #expect(decisions.again.map(\.after) == [.seconds(60), .seconds(3), .seconds(5)])
        #expect(decisions.slowed.map(\.id) == [throttled.messageID])
        #expect(decisions.slowDown == .seconds(7))
        #expect(decisions.failedPolls.map(\.id) == [failed.messageID])
    }
}

@Suite("Channels over fake providers")
struct ChannelTests {
    func outgoing(_ address: String, sender: String? = nil) -> OutgoingMessage {
        OutgoingMessage(
            id: UUID(), channel: address.hasPrefix("+") ? .sms : .email, toAddress: address, toName: nil, subject: "Hi",
            text: "Hello", html: nil, sender: sender, segments: 1, attempts: 1, createdAt: Date())
    }

    func collect(_ send: (@escaping @Sendable (Int, DeliveryOutcome) -> Void) async -> Void) async -> [Int: DeliveryOutcome] {
        let outcomes = Mutex<[Int: DeliveryOutcome]>([:])
        await send { index, outcome in outcomes.withLock { $0[index] = outcome } }
        return outcomes.withLock { $0 }
    }

    @Test("email: each message gets a Message-ID made of its id, and each outcome comes back by index")
    func email() async {
        let provider = FakeEmailProvider(answers: ["bad@example.com": .permanent("550 no such user")])
        let channel = EmailChannel(provider: provider, from: .init(address: "herald@example.org", name: "Herald"))
        let messages = [outgoing("anna@example.com"), outgoing("bad@example.com")]
        let outcomes = await collect { await channel.send(messages, completed: $0) }
        let sent = provider.received.withLock { $0 }
        #expect(sent.map(\.messageID) == messages.map { "<\($0.id.uuidString.lowercased())@example.org>" })
        #expect(outcomes[0] == .accepted(providerID: sent[0].messageID))
        #expect(outcomes[1] == .permanent("550 no such user"))
    }

    @Test("SMS: the message's own sender id or the default, and its id as the reference, so a resend is recognisable")
    func sms() async {
        let provider = FakeSMSProvider(sendAnswers: ["+48600000002": .transient("429", retryAfter: .seconds(3))])
        let channel = SMSChannel(client: provider, from: "Herald")
        let messages = [outgoing("+48600000001", sender: "Urzad"), outgoing("+48600000002")]
        let outcomes = await collect { await channel.send(messages, completed: $0) }
        let submissions = provider.submissions.withLock { $0 }.sorted { $0.to < $1.to }
        #expect(submissions.map(\.from) == ["Urzad", "Herald"])
        #expect(submissions.map(\.reference) == messages.map { $0.id.uuidString.lowercased() })
        #expect(outcomes[1] == .transient("429", retryAfter: .seconds(3)))
        #expect(outcomes.count == 2)
    }
}
