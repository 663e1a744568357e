import Foundation
import HeraldServer
import HeraldStore
import Logging

/// Applies delivery reports in group commits: a report waits at most `gather` (or until the statement before it is
/// written) to share one statement with the others that came meanwhile, so a stream of reports costs a statement
/// per batch, not per report, and each request is answered once its batch is committed. A batch holds one report per
/// message; a second report for a message already in it waits for the next batch, so that two reports of one
/// message are applied in the order they came.
actor ReportBatcher {
    let store: DeliveryReportStore
    let grace: Duration
    let gather: Duration
    private var pending: [UUID: Waiting] = [:]
    private var later: [Waiting] = []
    private var writer: Task<Void, Never>?

    struct Waiting {
        let report: DeliveryReport
        let answer: CheckedContinuation<DeliveryReportOutcome, any Error>
    }

    init(store: DeliveryReportStore, grace: Duration, gather: Duration = .milliseconds(2)) {
        self.store = store
        self.grace = grace
        self.gather = gather
    }

    func apply(_ report: DeliveryReport) async throws -> DeliveryReportOutcome {
        try await withCheckedThrowingContinuation { answer in
            enqueue(Waiting(report: report, answer: answer))
        }
    }

    private func enqueue(_ waiting: Waiting) {
        if pending[waiting.report.messageID] == nil {
            pending[waiting.report.messageID] = waiting
        } else {
            later.append(waiting)
        }
        guard writer == nil else { return }
        writer = Task { await write() }
    }

    private func write() async {
        // Cancellation only shortens the wait: what is pending is written all the same.
        try? await Task.sleep(for: gather)
        while !pending.isEmpty {
            let batch = pending
            pending = [:]
            let held = later
            later = []
            for waiting in held {
                if pending[waiting.report.messageID] == nil { pending[waiting.report.messageID] = waiting } else { later.append(waiting) }
            }
            do {
                let outcomes = try await store.apply(batch.values.map(\.report), grace: grace)
                for (id, waiting) in batch { waiting.answer.resume(returning: outcomes[id] ?? .unknown) }
            } catch {
                // Each request is answered with the error (a 5xx): Tyntec sends the report again.
                for waiting in batch.values { waiting.answer.resume(throwing: error) }
            }
        }
        writer = nil
    }
}
