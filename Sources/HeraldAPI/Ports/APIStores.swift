package import HeraldIntake
import HeraldPipeline
package import HeraldRuntime
import HeraldStore
package import Logging

/// Everything the API reads, writes and publishes, each behind the protocol its routes use: PostgreSQL and the
/// broker in the fleet, in-memory fakes in the router tests.
package struct APIStores: Sendable {
    package var intake: any IntakeRecords
    package var templates: any TemplateCatalog
    package var tenants: any TenantDirectory
    package var quietHours: any QuietHoursSettings
    package var domains: any DomainOwnership
    package var queries: any MessageHistory
    package var control: any MessageCommands
    package var recipients: any RecipientDirectory
    package var suppressions: any SuppressionList
    package var inbound: any InboundMailbox
    package var keys: any KeyDirectory
    package var reports: any ReportLedger
    package var deadLetters: any DeadLetterQueues
    package var publisher: any JobPublishing
    /// What is not ready (the database, the broker), each named with its error; empty when ready.
    package var readiness: @Sendable () async -> [String]

    package init(
        intake: any IntakeRecords, templates: any TemplateCatalog, tenants: any TenantDirectory,
        quietHours: any QuietHoursSettings, domains: any DomainOwnership, queries: any MessageHistory,
        control: any MessageCommands, recipients: any RecipientDirectory, suppressions: any SuppressionList,
        inbound: any InboundMailbox, keys: any KeyDirectory, reports: any ReportLedger,
        deadLetters: any DeadLetterQueues, publisher: any JobPublishing,
        readiness: @escaping @Sendable () async -> [String]
    ) {
        self.intake = intake
        self.templates = templates
        self.tenants = tenants
        self.quietHours = quietHours
        self.domains = domains
        self.queries = queries
        self.control = control
        self.recipients = recipients
        self.suppressions = suppressions
        self.inbound = inbound
        self.keys = keys
        self.reports = reports
        self.deadLetters = deadLetters
        self.publisher = publisher
        self.readiness = readiness
    }

    /// The fleet's stores, over its database and broker.
    package init(infrastructure: Infrastructure, logger: Logger) {
        let database = infrastructure.database
        self.init(
            intake: IntakeStore(database: database, logger: logger),
            templates: TemplateRepository(database: database, logger: logger),
            tenants: TenantRepository(database: database, logger: logger),
            quietHours: QuietHoursStore(database: database, logger: logger),
            domains: SendingDomainStore(database: database, logger: logger),
            queries: MessageQueries(database: database, logger: logger),
            control: MessageControl(database: database, logger: logger),
            recipients: RecipientRepository(database: database, logger: logger),
            suppressions: SuppressionStore(database: database, logger: logger),
            inbound: InboundStore(database: database, logger: logger),
            keys: APIKeyRepository(database: database, logger: logger),
            reports: DeliveryReportStore(database: database, logger: logger),
            deadLetters: DeadLetterDesk(infrastructure: infrastructure, logger: logger),
            publisher: infrastructure.publisher(logger: logger),
            readiness: {
                await ObservabilityServer.readinessFailures(database: infrastructure.database, bus: infrastructure.bus)
            })
    }
}
