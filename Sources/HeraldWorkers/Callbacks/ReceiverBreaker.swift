/// The circuit breaker of one tenant's callback receiver: `threshold` failures in a row open it for a back-off that
/// starts at `minimum` and doubles with each failed probe up to `maximum`; once the back-off is over one probe goes
/// out (half open), and its success closes the breaker again. Pure: the caller passes the time.
struct ReceiverBreaker: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case closed
        case open(until: ContinuousClock.Instant)
        /// One probe is out; nothing else goes until it ends.
        case probing
    }

    let threshold: Int
    let minimum: Duration
    let maximum: Duration
    private(set) var state: State = .closed
    private(set) var failuresInRow = 0
    private(set) var backoff: Duration

    init(threshold: Int, minimum: Duration = .seconds(1), maximum: Duration) {
        self.threshold = max(1, threshold)
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
        backoff = minimum
    }

    /// Whether a callback may be sent now (a half-open breaker lets exactly one through, and is then probing).
    mutating func mayStart(at now: ContinuousClock.Instant) -> Bool {
        switch state {
        case .closed:
            return true
        case .probing:
            return false
        case .open(let until):
            guard now >= until else { return false }
            state = .probing
            return true
        }
    }

    /// When callbacks held back may be tried again; nil while closed.
    var reopensAt: ContinuousClock.Instant? {
        if case .open(let until) = state { return until }
        return nil
    }

    mutating func succeeded() {
        state = .closed
        failuresInRow = 0
        backoff = minimum
    }

    /// Records a failure; true when it opened the breaker.
    @discardableResult
    mutating func failed(at now: ContinuousClock.Instant) -> Bool {
        failuresInRow += 1
        switch state {
        case .probing:
            backoff = min(backoff * 2, maximum)
            state = .open(until: now + backoff)
            return true
        case .closed where failuresInRow >= threshold:
            state = .open(until: now + backoff)
            return true
        case .closed, .open:
            return false
        }
    }
}
