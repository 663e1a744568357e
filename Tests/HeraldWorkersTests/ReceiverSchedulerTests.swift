import Foundation
@testable import HeraldStore
@testable import HeraldWorkers
import Testing

@Suite("The callback scheduler: each tenant's receiver in its own lane", .timeLimit(.minutes(1)))
struct ReceiverSchedulerTests {
    let start = ContinuousClock.now
    let slow = UUID()
    let quick = UUID()

    func scheduler(perReceiver: Int = 2, threshold: Int = 3) -> ReceiverScheduler {
        ReceiverScheduler(settings: .init(
            perReceiver: perReceiver, breakerThreshold: threshold, breakerMaximum: .seconds(60),
            maxQueueWait: .seconds(5)))
    }

    func callbacks(_ count: Int, of tenant: UUID) -> [PendingCallback] {
        (0..<count).map { _ in
            PendingCallback(
                id: UUID(), tenantID: tenant, url: "http://receiver.example/hook", secret: "s", messageID: UUID(),
                reference: nil, procedureID: UUID(), channel: "email", state: "sent", at: Date(), providerID: nil,
                detail: nil, attempts: 0)
        }
    }

    @Test func aReceiverAtItsLimitLeavesTheSendersToTheOthers() async {
        let scheduler = scheduler(perReceiver: 2)
        let held = await scheduler.submit(callbacks(10, of: slow) + callbacks(3, of: quick), now: start)
        #expect(held.isEmpty)
        var taken: [PendingCallback] = []
        for _ in 0..<4 { taken.append(await scheduler.next()!) }
        #expect(taken.map(\.tenantID).filter { $0 == slow }.count == 2, "round-robin: two each")
        // The slow receiver's two in flight are its limit: a sender that finishes a quick one gets the quick one's
        // last, then nothing (the slow ones wait for their own receiver), though eight of the slow one's are queued.
        let quickOne = taken.first { $0.tenantID == quick }!
        let (_, next) = await scheduler.completed(quickOne, succeeded: true, took: .milliseconds(1), now: start)
        #expect(next?.tenantID == quick)
        let (_, none) = await scheduler.completed(next!, succeeded: true, took: .milliseconds(1), now: start)
        #expect(none == nil)
        #expect(await scheduler.queued == 8)
        let slowOne = taken.first { $0.tenantID == slow }!
        let (_, after) = await scheduler.completed(slowOne, succeeded: true, took: .seconds(4), now: start)
        #expect(after?.tenantID == slow, "a slow one that finishes makes room for the next of its own")
    }

    @Test func aCompletionHandsTheSenderItsNextCallback() async {
        let scheduler = scheduler(perReceiver: 1)
        _ = await scheduler.submit(callbacks(2, of: quick), now: start)
        let first = await scheduler.next()!
        let (held, next) = await scheduler.completed(first, succeeded: true, took: .milliseconds(5), now: start)
        #expect(held == nil)
        #expect(next != nil && next!.id != first.id)
        let (_, none) = await scheduler.completed(next!, succeeded: true, took: .milliseconds(5), now: start)
        #expect(none == nil, "nothing left: the sender waits in next()")
    }

    @Test func anOpenBreakerGivesTheQueueBackAndHoldsNewCallbacks() async {
        let scheduler = scheduler(perReceiver: 3, threshold: 3)
        _ = await scheduler.submit(callbacks(10, of: slow), now: start)
        var inFlight: [PendingCallback] = []
        for _ in 0..<3 { inFlight.append(await scheduler.next()!) }
        var returned: [PendingCallback] = []
        for callback in inFlight {
            let (held, next) = await scheduler.completed(callback, succeeded: false, took: .seconds(5), now: start)
            returned += held?.callbacks ?? []
            if let next { inFlight.append(next) }
            if held != nil { break }
        }
        #expect(returned.count == 7 - (inFlight.count - 3), "the queue goes back to the ledger when the breaker opens")
        #expect(await scheduler.queued == 0)
        let later = await scheduler.submit(callbacks(2, of: slow), now: start + .milliseconds(10))
        #expect(later.map(\.callbacks.count) == [2], "new callbacks wait out the back-off in the ledger")
        #expect(later[0].until > Date())
    }

    @Test func finishingReturnsWhatIsQueuedAndEndsTheSenders() async {
        let scheduler = scheduler()
        _ = await scheduler.submit(callbacks(4, of: quick), now: start)
        _ = await scheduler.next()
        let queued = await scheduler.finish()
        #expect(queued.count == 3)
        let next = await scheduler.next()
        #expect(next == nil)
    }
}
