import Foundation
import HeraldBus
import HeraldCore
import HeraldRendering
import HeraldStore
import Logging
import Metrics

/// Renders queued messages in batches: one query to load them, one to store what rendered, then send jobs
/// published with confirms, and only then the acks. Template errors and missing variables fail the message with a
/// readable `last_error`; database or broker trouble retries the batch's jobs with backoff.
public struct RenderWorker: Sendable {
    let messages: MessageRepository
    let bus: BusClient
    let logger: Logger
    let renderer: MessageRenderer
    let templates = TemplateCache()
    let rendered = Counter(label: "herald_messages_rendered_total")
    let failed = Counter(label: "herald_messages_failed_total", dimensions: [("stage", "render")])

    let settler: JobSettler

    public init(
        messages: MessageRepository, bus: BusClient, topology: Topology, maxSMSSegments: Int = 10, logger: Logger
    ) {
        renderer = MessageRenderer(maxSMSSegments: maxSMSSegments)
        settler = JobSettler(
            stage: .render, waitingState: .queued, bus: bus, messages: messages, topology: topology, logger: logger)
        self.messages = messages
        self.bus = bus
        self.logger = logger
    }

    public func handle(_ deliveries: [BusDelivery]) async {
        let jobs = await settler.decode(deliveries)
        guard !jobs.isEmpty else { return }
        do {
            try await render(jobs.flatMap(\.job.messageIDs))
            for (_, delivery) in jobs { bus.ack(delivery) }
        } catch {
            logger.warning("render batch failed; retrying", metadata: ["error": "\(StoreError.describe(error))", "jobs": "\(jobs.count)"])
            for (job, delivery) in jobs {
                await settler.retryOrDead(delivery, job: job, error: StoreError.describe(error))
            }
        }
    }

    private func render(_ ids: [UUID]) async throws {
        let inputs = try await messages.renderInputs(ids)
        var contents: [RenderedContent] = []
        var failures: [(UUID, String)] = []
        for input in inputs {
            do {
                let variables = try JSONValue.parse(Array(input.variablesJSON.utf8)).object ?? [:]
                let output = try renderer.render(channel: input.channel, template: try templates.template(
                    id: input.templateID, subject: input.subject, text: input.text, html: input.html), variables: variables)
                contents.append(RenderedContent(
                    id: input.id, subject: output.subject, text: output.text, html: output.html, segments: output.segments))
            } catch {
                failures.append((input.id, "render: \(error)"))
            }
        }
        let moved = try await messages.storeRendered(contents)
        for (id, reason) in failures {
            try await messages.transition([id], from: .queued, to: .failed, detail: reason)
        }
        rendered.increment(by: contents.count)
        failed.increment(by: failures.count)

        // Publish for everything now rendered, and for messages a previous attempt rendered but whose send job it may
        // not have published (the ids that were not queued any more): senders claim conditionally, so a duplicate
        // job is harmless.
        let channels = Dictionary(inputs.map { ($0.id, $0.channel) }, uniquingKeysWith: { first, _ in first })
        var ready = Dictionary(grouping: moved, by: { channels[$0] ?? .email })
        let others = ids.filter { channels[$0] == nil }
        if !others.isEmpty {
            for (id, current) in try await messages.states(others) where current.state == .rendered {
                ready[current.channel, default: []].append(id)
            }
        }
        for (channel, ids) in ready {
            try await bus.publishJobs(for: ids, to: channel == .email ? .sendEmail : .sendSMS)
        }
    }
}
