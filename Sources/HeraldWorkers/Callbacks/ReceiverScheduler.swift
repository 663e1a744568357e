import Foundation
import HeraldStore
import HeraldCore

/// Decides which callback goes out next, so that one tenant's receiver can slow only that tenant's callbacks. Each
/// receiver (tenant) has its own queue, at most `perReceiver` callbacks in flight, and a circuit breaker; senders
/// take work round-robin over the receivers that have room, so a receiver that answers slowly holds only its own
/// slots. A receiver's queue is kept short in time rather than in count: a callback is held back (to the ledger, with
/// a new due time) when the receiver's queue would take longer than `maxQueueWait` at its recent pace, or while its
/// breaker is open; when the breaker opens, its queue goes back to the ledger too. So only receivers that answer
/// quickly can have long queues, and the consumer waits (`waitForRoom`) while all queues together are long: the
/// broker holds what the senders cannot take yet, without holding a slow receiver's callbacks in front of others.
actor ReceiverScheduler {
    struct Settings: Sendable {
        var perReceiver: Int
        var breakerThreshold: Int
        var breakerMaximum: Duration
        var maxQueueWait: Duration
        /// How long a callback held back because its receiver's queue is long waits before coming due again.
        var queueFullDelay: Duration = .seconds(1)
    }

    /// Callbacks to give back to the ledger, due again at `until`.
    struct HeldBack: Sendable {
        var callbacks: [PendingCallback]
        var until: Date
    }

    struct Receiver {
        var queue: [PendingCallback] = []
        var head = 0
        var inFlight = 0
        var breaker: ReceiverBreaker
        /// Recent time of one POST (exponentially weighted).
        var pace: Duration = .milliseconds(10)

        var queued: Int { queue.count - head }

        mutating func pop() -> PendingCallback {
            let callback = queue[head]
            head += 1
            if head > 1024, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return callback
        }

        mutating func drain() -> [PendingCallback] {
            let rest = Array(queue[head...])
            queue = []
            head = 0
            return rest
        }
    }

    let settings: Settings
    private var receivers: [UUID: Receiver] = [:]
    /// Receivers with queued callbacks, in turn order.
    private var turns: [UUID] = []
    private var waiting: [CheckedContinuation<PendingCallback?, Never>] = []
    private var waitingForRoom: [(limit: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var finished = false
    private var queuedTotal = 0

    init(settings: Settings) {
        self.settings = settings
    }

    /// Queues callbacks; returns those held back (their receiver's breaker is open, or its queue is long).
    func submit(_ callbacks: [PendingCallback], now: ContinuousClock.Instant = .now) -> [HeldBack] {
        var heldBack: [ContinuousClock.Instant: [PendingCallback]] = [:]
        for callback in callbacks {
            // Taken out of the dictionary while it changes, so that its queue is appended to in place, not copied.
            var receiver = receivers.removeValue(forKey: callback.tenantID) ?? Receiver(breaker: ReceiverBreaker(
                threshold: settings.breakerThreshold, maximum: settings.breakerMaximum))
            if let reopens = receiver.breaker.reopensAt, reopens > now {
                heldBack[reopens, default: []].append(callback)
            } else if receiver.queued >= settings.perReceiver,
                      receiver.pace * (receiver.queued / max(1, settings.perReceiver)) > settings.maxQueueWait {
                heldBack[now + settings.queueFullDelay, default: []].append(callback)
            } else {
                if receiver.queued == 0 { turns.append(callback.tenantID) }
                receiver.queue.append(callback)
                queuedTotal += 1
            }
            receivers[callback.tenantID] = receiver
        }
        wake(now: now)
        return heldBack.map { HeldBack(callbacks: $0.value, until: Self.date(of: $0.key, now: now)) }
    }

    /// The next callback to send, waiting for one; nil once `finish` was called and nothing is left.
    func next() async -> PendingCallback? {
        if let callback = take(now: .now) {
            wakeRoom()
            return callback
        }
        if finished { return nil }
        return await withCheckedContinuation { waiting.append($0) }
    }

    /// Records how a POST went. Returns the callbacks to give back to the ledger when this opened the breaker, and
    /// the sender's next callback when one is ready (nil: wait for one with `next`), so that a busy sender visits the
    /// scheduler once per callback.
    func completed(
        _ callback: PendingCallback, succeeded: Bool, took: Duration, now: ContinuousClock.Instant = .now
    ) -> (heldBack: HeldBack?, next: PendingCallback?) {
        let heldBack = record(callback, succeeded: succeeded, took: took, now: now)
        guard let next = take(now: now) else { return (heldBack, nil) }
        wakeRoom()
        return (heldBack, next)
    }

    private func record(
        _ callback: PendingCallback, succeeded: Bool, took: Duration, now: ContinuousClock.Instant
    ) -> HeldBack? {
        guard var receiver = receivers.removeValue(forKey: callback.tenantID) else { return nil }
        receiver.inFlight -= 1
        receiver.pace = (receiver.pace * 3 + took) / 4
        var heldBack: HeldBack?
        if succeeded {
            receiver.breaker.succeeded()
        } else if receiver.breaker.failed(at: now), let reopens = receiver.breaker.reopensAt {
            let drained = receiver.drain()
            queuedTotal -= drained.count
            turns.removeAll { $0 == callback.tenantID }
            if !drained.isEmpty { heldBack = HeldBack(callbacks: drained, until: Self.date(of: reopens, now: now)) }
        }
        if receiver.inFlight > 0 || receiver.queued > 0 || receiver.breaker.state != .closed {
            receivers[callback.tenantID] = receiver
        }
        wake(now: now)
        return heldBack
    }

    /// Callbacks queued, all receivers together.
    var queued: Int { queuedTotal }

    /// Returns once fewer than `limit` callbacks are queued (or the senders are finishing).
    func waitForRoom(below limit: Int) async {
        guard queuedTotal >= limit, !finished else { return }
        await withCheckedContinuation { waitingForRoom.append((limit, $0)) }
    }

    private func wakeRoom() {
        guard !waitingForRoom.isEmpty else { return }
        let (ready, rest) = (waitingForRoom.filter { finished || queuedTotal < $0.limit },
                             waitingForRoom.filter { !finished && queuedTotal >= $0.limit })
        waitingForRoom = rest
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Ends the senders once the callbacks in flight are done: what is still queued is returned, to go back to the
    /// ledger due now (another sender takes it at once).
    func finish() -> [PendingCallback] {
        finished = true
        var drained: [PendingCallback] = []
        for id in Array(receivers.keys) {
            drained += receivers[id]!.drain()
        }
        turns = []
        queuedTotal = 0
        wake(now: .now)
        return drained
    }

    private func wake(now: ContinuousClock.Instant) {
        defer { wakeRoom() }
        while !waiting.isEmpty {
            if let callback = take(now: now) {
                waiting.removeFirst().resume(returning: callback)
            } else if finished {
                waiting.removeFirst().resume(returning: nil)
            } else {
                return
            }
        }
    }

    /// Round-robin over the receivers with queued callbacks and room; a receiver whose breaker is open keeps its turn
    /// only until it reopens (its queue went back to the ledger when it opened).
    private func take(now: ContinuousClock.Instant) -> PendingCallback? {
        var tried = 0
        while tried < turns.count {
            let id = turns.removeFirst()
            guard var receiver = receivers.removeValue(forKey: id) else { continue }
            guard receiver.queued > 0 else {
                receivers[id] = receiver
                continue
            }
            if receiver.inFlight < settings.perReceiver, receiver.breaker.mayStart(at: now) {
                let callback = receiver.pop()
                receiver.inFlight += 1
                queuedTotal -= 1
                receivers[id] = receiver
                if receiver.queued > 0 { turns.append(id) }
                return callback
            }
            receivers[id] = receiver
            turns.append(id)
            tried += 1
        }
        return nil
    }

    static func date(of instant: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Date {
        let seconds = (instant - now).inSeconds
        return Date().addingTimeInterval(seconds)
    }
}
