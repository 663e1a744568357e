package import HeraldBus
package import HeraldCore
package import HeraldPipeline

/// Jobs that failed for good, as operators list, replay or discard them.
package protocol DeadLetterQueues: Sendable {
    func list(_ stage: Stage, limit: Int) async throws -> [DeadLetter]
    func replay(_ stage: Stage, selection: DeadLetterDesk.Selection, limit: Int) async throws -> DeadLetterDesk.Report
    func purge(_ stage: Stage) async throws -> Int
}

extension DeadLetterDesk: DeadLetterQueues {}
