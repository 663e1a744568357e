import HeraldPipeline
import Foundation
import HeraldBus
import HeraldCore
import HeraldRuntime
import HeraldStore
import ServiceLifecycle

/// How `herald-digest` works.
package struct DigestConfiguration: Sendable {
    /// Templates the digests are rendered from, per channel (resolved in the recipient's locale). A digest template
    /// sees `items` (each with `subject`, `text`, `html`, `category`, `at`), `count`, `window_start`, `window_end` and
    /// `recipient`.
    package var emailTemplate: String
    package var smsTemplate: String
    /// How often to look for closed windows when there was nothing to do.
    package var interval: Duration
    /// Recipients handled per transaction.
    package var batchSize: Int
    /// The locale digest templates fall back to.
    package var defaultLocale: String

    package init(emailTemplate: String = "digest", smsTemplate: String = "digest-sms", interval: Duration = .seconds(5),
                batchSize: Int = 500, defaultLocale: String = "en") {
        self.defaultLocale = defaultLocale
        self.emailTemplate = emailTemplate
        self.smsTemplate = smsTemplate
        self.interval = interval
        self.batchSize = batchSize
    }
}
