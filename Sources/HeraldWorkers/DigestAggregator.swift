package import HeraldPipeline
import Foundation
import HeraldBus
package import HeraldCore
package import HeraldRuntime
package import HeraldStore
package import Logging
import Metrics
import ServiceLifecycle

/// The digest aggregator: finds recipients whose delivery window has closed, turns two or more deferred
/// notifications into one digest message (queued for the renderer like any message) and marks them `digested`, or
/// queues a single one as itself. Each batch is one transaction (see `DigestRepository`), so replicas and crashes
/// never produce two digests for one window; what was missed while the fleet was down is due, and taken, at start.
package struct DigestAggregator: Service {
    let digests: DigestRepository
    let templates: TemplateRepository
    let publisher: JobPublisher
    let clock: any HeraldClock
    let configuration: DigestConfiguration
    let logger: Logger
    let watchdog: Watchdog
    let folded = Counter(label: "herald_digest_items_total")
    let produced = Counter(label: "herald_digests_total")

    package init(
        digests: DigestRepository, templates: TemplateRepository, publisher: JobPublisher,
        clock: any HeraldClock = SystemClock(), configuration: DigestConfiguration = .init(), watchdog: Watchdog = .off,
        logger: Logger
    ) {
        self.watchdog = watchdog
        self.digests = digests
        self.templates = templates
        self.publisher = publisher
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
    }

    package func run() async throws {
        await repeatPasses("digest round", interval: configuration.interval, watchdog: watchdog, logger: logger) {
            try await aggregateOnce().recipients >= configuration.batchSize
        }
    }

    /// One batch: aggregate, commit, then publish render jobs for what was queued. A failed publish is left to the
    /// sweeper, which publishes jobs the broker never confirmed.
    @discardableResult
    package func aggregateOnce() async throws -> DigestRepository.Outcome {
        let now = clock.now()
        let lookup = TemplateLookup(templates: templates, defaultLocale: configuration.defaultLocale)
        let configuration = configuration
        let logger = logger
        let outcome = try await digests.aggregate(now: now, recipientLimit: configuration.batchSize) { group in
            let name = group.channel == .email ? configuration.emailTemplate : configuration.smsTemplate
            guard let template = try await lookup.resolve(
                      tenantID: group.recipient.tenantID, name: name, locale: group.recipient.locale ?? ""),
                  template.channel == group.channel,
                  let address = group.recipient.address(for: group.channel)
            else {
                logger.warning("no digest template or address; sending the items as themselves", metadata: [
                    "template": "\(name)", "recipient": "\(group.recipient.externalID)", "channel": "\(group.channel)",
                ])
                return .asThemselves
            }
            let items: [JSONValue] = group.items.map { item in
                var object: [String: JSONValue] = [
                    "text": .string(item.text), "at": .string(Timestamp.string(item.acceptedAt, fractionalSeconds: false)),
                    "id": .string(item.messageID.uuidString.lowercased()),
                ]
                if let subject = item.subject { object["subject"] = .string(subject) }
                if let html = item.html { object["html"] = .string(html) }
                if let category = item.category { object["category"] = .string(category) }
                return .object(object)
            }
            let variables = JSONValue.object([
                "items": .array(items), "count": .int(Int64(items.count)), "recipient": .string(group.recipient.externalID),
                "window_start": .string(Timestamp.string(group.items.map(\.acceptedAt).min() ?? now, fractionalSeconds: false)),
                "window_end": .string(Timestamp.string(group.items.map(\.dueAt).max() ?? now, fractionalSeconds: false)),
            ])
            var digest = NewMessage(
                channel: group.channel, toAddress: address, toName: nil, templateID: template.id, locale: template.locale,
                variablesJSON: variables.encoded(), state: .queued, sendAt: now)
            digest.recipientID = group.recipient.externalID
            digest.category = "digest"
            return .digest(digest)
        }
        folded.increment(by: outcome.itemsDigested)
        produced.increment(by: outcome.digests)
        if let publication = outcome.publication {
            await publisher.publish(publication)
            logger.info("windows closed", metadata: [
                "recipients": "\(outcome.recipients)", "digests": "\(outcome.digests)",
                "items.digested": "\(outcome.itemsDigested)", "items.alone": "\(outcome.itemsAlone)",
            ])
        }
        return outcome
    }

}
