import HeraldPipeline
import Foundation
package import HeraldBus
import HeraldCore
package import HeraldProviders
package import HeraldRendering
import HeraldStore
package import Logging
package import HeraldRuntime
import Metrics

/// Renders queued messages in batches: one query to load them, one transaction to store what rendered with the send
/// jobs' ledger rows, then send jobs published with confirms, and only then the acks. Template errors and missing
/// variables fail the message with a readable `last_error`; database trouble retries the batch's jobs with backoff;
/// a send job the broker does not confirm is left to the sweeper, which publishes it after the grace period.
package struct RenderWorker: Sendable {
    let messages: PipelineStore
    let bus: BusClient
    let publisher: JobPublisher
    let logger: Logger
    let renderer: MessageRenderer
    let templates = TemplateCache()
    let rendered = Counter(label: "herald_messages_total", dimensions: [("stage", "render"), ("outcome", "rendered")])
    let failed = Counter(label: "herald_messages_total", dimensions: [("stage", "render"), ("outcome", "failed")])
    let renderTime = Timer(label: "herald_render_seconds", preferredDisplayUnit: .seconds)

    let settler: JobSettler

    /// With `links`, a message of an unsubscribe template has `{{unsubscribe_url}}`, its own one-click link.
    let links: PublicLinks?

    package init(
        infrastructure: Infrastructure, topology: Topology, renderer: MessageRenderer = MessageRenderer(),
        links: PublicLinks? = nil, logger: Logger
    ) {
        self.renderer = renderer
        self.links = links
        settler = JobSettler(stage: .render, waitingState: .queued, infrastructure: infrastructure, topology: topology, logger: logger)
        messages = PipelineStore(database: infrastructure.database, logger: logger)
        bus = infrastructure.bus
        publisher = infrastructure.publisher(logger: logger)
        self.logger = logger
    }

    package func handle(_ deliveries: [BusDelivery]) async {
        let jobs = await settler.decode(deliveries)
        guard !jobs.isEmpty else { return }
        do {
            for publication in try await render(jobs.flatMap(\.job.messageIDs)) { await publisher.publish(publication) }
            for (_, delivery) in jobs { bus.ack(delivery) }
        } catch {
            logger.warning("render batch failed; retrying", metadata: ["error": "\(ProcessRuntime.describe(error))", "jobs": "\(jobs.count)"])
            for (job, delivery) in jobs {
                await settler.retryOrDead(delivery, job: job, error: ProcessRuntime.describe(error))
            }
        }
        await settler.finished(jobs)
    }

    private func render(_ ids: [UUID]) async throws -> [PendingPublication] {
        let inputs = try await messages.renderInputs(ids)
        var contents: [RenderedContent] = []
        var failures: [(UUID, String)] = []
        for input in inputs {
            let started = ContinuousClock.now
            do {
                var variables = try JSONValue.parse(Array(input.variablesJSON.utf8)).object ?? [:]
                if input.unsubscribe, let links { variables["unsubscribe_url"] = .string(links.unsubscribe(for: input.id)) }
                let output = try renderer.render(channel: input.channel, template: try templates.template(
                    id: input.templateID, subject: input.subject, text: input.text, html: input.html), variables: variables)
                contents.append(RenderedContent(
                    id: input.id, subject: output.subject, text: output.text, html: output.html, segments: output.segments))
            } catch {
                failures.append((input.id, "render: \(error)"))
            }
            renderTime.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        }
        let channels = Dictionary(inputs.map { ($0.id, $0.channel) }, uniquingKeysWith: { first, _ in first })
        let publications = try await messages.storeRendered(contents, channels: channels)
        for (id, reason) in failures {
            try await messages.transition([id], from: .queued, to: .failed, detail: reason)
        }
        rendered.increment(by: contents.count)
        failed.increment(by: failures.count)
        return publications
    }
}
