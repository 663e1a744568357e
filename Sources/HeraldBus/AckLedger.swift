/// The consume channel's deliveries that are not settled yet, in tag order, so that acks handed in together can go
/// to the broker as one `basic.ack` with `multiple` set: one frame for a whole run of finished deliveries instead of
/// one each, which is most of what RabbitMQ spends on a consumer's acks. Acks that cannot join the run (an earlier
/// delivery is still being worked on) are sent one by one at once, so a slow job never holds back the others' acks
/// or the prefetch window.
struct AckLedger {
    /// Tags delivered and not yet acked through a `multiple` ack, oldest first; `head` is the first one still open.
    private var open: [UInt64] = []
    private var head = 0
    /// Open tags already settled on their own (acked singly, or rejected).
    private var settledAlone: Set<UInt64> = []

    mutating func delivered(_ tag: UInt64) {
        open.append(tag)
    }

    /// A delivery rejected (or otherwise settled) outside this ledger.
    mutating func settled(_ tag: UInt64) {
        settledAlone.insert(tag)
    }

    /// What to send for `acks`: at most one ack with `multiple` covering the oldest run, and single acks for the rest.
    mutating func plan(acks: [UInt64]) -> (multiple: UInt64?, single: [UInt64]) {
        guard !acks.isEmpty else { return (nil, []) }
        var pending = Set(acks)
        var highest: UInt64?
        while head < open.count {
            let tag = open[head]
            if pending.remove(tag) != nil {
                highest = tag
            } else if settledAlone.remove(tag) == nil {
                break
            }
            head += 1
        }
        if head > 1024 && head * 2 > open.count {
            open.removeFirst(head)
            head = 0
        }
        // A run of one needs no `multiple` (and must not have it if an older tag is still open: there is none here).
        let single = pending.sorted()
        settledAlone.formUnion(single)
        return (highest, single)
    }

    /// The connection is gone, and with it every tag.
    mutating func reset() {
        open.removeAll()
        head = 0
        settledAlone.removeAll()
    }
}
