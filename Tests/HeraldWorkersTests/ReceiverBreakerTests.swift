@testable import HeraldWorkers
import Testing

@Suite("A callback receiver's circuit breaker")
struct ReceiverBreakerTests {
    let start = ContinuousClock.now

    @Test func opensAfterFailuresInARowAndProbesOnce() {
        var breaker = ReceiverBreaker(threshold: 3, minimum: .seconds(1), maximum: .seconds(4))
        var opened = breaker.failed(at: start)
        #expect(!opened)
        breaker.succeeded()
        opened = breaker.failed(at: start) || breaker.failed(at: start)
        #expect(!opened, "a success resets the count")
        opened = breaker.failed(at: start)
        #expect(opened, "the third in a row opens it")
        var may = breaker.mayStart(at: start + .milliseconds(999))
        #expect(!may)
        may = breaker.mayStart(at: start + .seconds(1))
        #expect(may, "one probe once the back-off is over")
        may = breaker.mayStart(at: start + .seconds(1))
        #expect(!may, "and only one")
        opened = breaker.failed(at: start + .seconds(2))
        #expect(opened, "a failed probe opens it again")
        #expect(breaker.reopensAt == start + .seconds(4), "for twice as long")
        may = breaker.mayStart(at: start + .seconds(4))
        #expect(may)
        opened = breaker.failed(at: start + .seconds(5))
        #expect(opened)
        #expect(breaker.reopensAt == start + .seconds(9), "up to the maximum")
        may = breaker.mayStart(at: start + .seconds(9))
        #expect(may)
        breaker.succeeded()
        may = breaker.mayStart(at: start + .seconds(9))
        #expect(breaker.state == .closed && may)
    }
}
