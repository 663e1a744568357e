import Foundation
import HeraldCore
import HeraldProviders

/// Which messages of a job go on as a retry once its slices are done: those the provider refused for now (to be
/// released from `sending` first) and those never claimed because the database failed (still `rendered`); the rest
/// are settled (sent, failed for good, or not this job's to send). The retry waits at least as long as the longest
/// `Retry-After` among them.
struct RetryPlan: Sendable {
    var refused: [(id: UUID, reason: String)] = []
    var unclaimed: [UUID] = []
    var notBefore: Duration?

    init(job: Job, outcomes: [UUID: DeliveryOutcome], unclaimed: Set<UUID>) {
        for id in job.messageIDs {
            if unclaimed.contains(id) {
                self.unclaimed.append(id)
            } else if case .transient(let reason, let retryAfter) = outcomes[id] {
                refused.append((id, reason))
                if let retryAfter { notBefore = max(notBefore ?? .zero, retryAfter) }
            }
        }
    }
}
