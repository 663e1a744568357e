package import HeraldPipeline
package import HeraldStore

/// Publishes the jobs of a publication recorded in the job ledger.
package protocol JobPublishing: Sendable {
    /// Whether the broker confirmed the jobs; if not, the relay's sweep publishes them later.
    @discardableResult
    func publish(_ publication: PendingPublication?) async -> Bool
}

extension JobPublisher: JobPublishing {}
