package import HeraldRuntime
package import Foundation
package import HeraldBus
package import HeraldCore
import HeraldStore
package import Logging

/// What operators do with dead letters, over HTTP and from `herald ctl`: list them without consuming them, replay all
/// or some back to their work queue (their messages back from `dead` to where the stage starts), or discard them.
package struct DeadLetterDesk: Sendable {
    /// Which messages of the dead letters looked at to replay.
    package struct Selection: Sendable {
        /// Only these messages (nil: every message).
        package var messageIDs: Set<UUID>?
        /// Only dead letters whose error contains this text, ignoring case (nil: any error).
        package var errorContains: String?

        package init(messageIDs: Set<UUID>? = nil, errorContains: String? = nil) {
            self.messageIDs = messageIDs
            self.errorContains = errorContains
        }

        func picks(_ letter: DeadLetter) -> [UUID] {
            if let errorContains, !(letter.error ?? "").localizedCaseInsensitiveContains(errorContains) { return [] }
            guard let messageIDs else { return letter.messageIDs }
            return letter.messageIDs.filter(messageIDs.contains)
        }
    }

    /// What a replay did.
    package struct Report: Sendable, Equatable {
        /// Dead letters looked at.
        package var examined = 0
        /// Dead letters (or parts of one) put back on the work queue.
        package var replayedJobs = 0
        /// Messages in them.
        package var replayedMessages = 0
        /// Of those, messages brought back from `dead` (the others had reached another state meanwhile).
        package var revivedMessages = 0
        /// Dead letters left where they were: not selected, or not a job Herald can read.
        package var left = 0
    }

    let bus: BusClient
    let ledger: JobLedger
    let callbacks: CallbackStore
    let publisher: JobPublisher
    let logger: Logger

    package init(infrastructure: Infrastructure, logger: Logger) {
        bus = infrastructure.bus
        ledger = infrastructure.ledger(logger: logger)
        callbacks = CallbackStore(database: infrastructure.database, jobTimeout: infrastructure.recovery.jobTimeout, logger: logger)
        publisher = infrastructure.publisher(logger: logger)
        self.logger = logger
    }

    package func list(_ stage: Stage, limit: Int) async throws -> [DeadLetter] {
        try await bus.peekDeadLetters(stage, limit: limit)
    }

    /// Looks at up to `limit` dead letters of `stage` and replays the selected messages. For each dead letter the
    /// replayed messages' new job is recorded in the job ledger before the dead letter is removed, and the messages
    /// it keeps go back to the dead-letter queue first, so a failure at any point loses nothing (at worst a message
    /// is replayed twice, which jobs tolerate).
    package func replay(_ stage: Stage, selection: Selection = Selection(), limit: Int) async throws -> Report {
        let held = try await bus.holdDeadLetters(stage, limit: limit)
        var report = Report(examined: held.count)
        var keep: [DeadLetter] = []
        var settled = 0
        do {
            for letter in held {
                let picked = selection.picks(letter)
                if picked.isEmpty {
                    keep.append(letter)
                } else {
                    let revived = try await replay(letter, picked: picked)
                    report.replayedJobs += 1
                    report.replayedMessages += picked.count
                    report.revivedMessages += revived
                }
                settled += 1
            }
        } catch {
            try? await bus.release(keep + held.dropFirst(settled))
            throw error
        }
        try await bus.release(keep)
        report.left = keep.count
        logger.notice("dead letters replayed", metadata: [
            "stage": "\(stage.rawValue)", "jobs": "\(report.replayedJobs)", "messages.count": "\(report.revivedMessages)",
        ])
        return report
    }

    /// Replays `picked` of one held dead letter; returns how many messages (or callbacks) came back from `dead`.
    private func replay(_ letter: DeadLetter, picked: [UUID]) async throws -> Int {
        let revived: Int
        if letter.stage == .callback {
            // A callback revived comes due again after the job timeout if this publish fails.
            let ids = try await callbacks.revive(picked)
            try? await bus.publishJobs(for: ids, to: .callback)
            revived = ids.count
        } else {
            let publication = try await ledger.revive(picked, stage: letter.stage, detail: "replayed from dead letters")
            // Unconfirmed is fine: the ledger row makes the sweeper publish it.
            await publisher.publish(publication)
            revived = publication?.messageIDs.count ?? 0
        }
        let chosen = Set(picked)
        let rest = letter.messageIDs.filter { !chosen.contains($0) }
        if !rest.isEmpty { try await bus.deadLetterAgain(letter, keeping: rest) }
        try await bus.dropDeadLetter(letter)
        return revived
    }

    package func purge(_ stage: Stage) async throws -> Int {
        let purged = try await bus.purgeDeadLetters(stage)
        logger.notice("dead letters purged", metadata: ["stage": "\(stage.rawValue)", "count": "\(purged)"])
        return purged
    }
}
