import HeraldCore
package import Logging

/// Wraps every process's log handler: above debug, the message and each metadata value go through
/// `PersonalDataRedaction`, so no line at info or higher carries an address or a number, whoever wrote it (a
/// provider's reply quoted in an error, a database error naming a value, a library's own message). Debug lines are
/// left whole for whoever turns them on to diagnose.
package struct RedactingLogHandler: LogHandler {
    var handler: any LogHandler

    package init(_ handler: any LogHandler) {
        self.handler = handler
    }

    package var metadata: Logger.Metadata {
        get { handler.metadata }
        set { handler.metadata = newValue }
    }

    package var metadataProvider: Logger.MetadataProvider? {
        get { handler.metadataProvider }
        set { handler.metadataProvider = newValue }
    }

    package var logLevel: Logger.Level {
        get { handler.logLevel }
        set { handler.logLevel = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { handler[metadataKey: key] }
        set { handler[metadataKey: key] = newValue }
    }

    package func log(event: LogEvent) {
        guard event.level > .debug else { return handler.log(event: event) }
        var event = event
        event.message = "\(PersonalDataRedaction.redact("\(event.message)"))"
        var metadata = event.metadata?.mapValues(Self.redact)
        if let error = event.error {
            event.error = nil
            metadata = metadata ?? [:]
            if metadata?["error"] == nil { metadata?["error"] = .string(PersonalDataRedaction.redact("\(error)")) }
        }
        event.metadata = metadata
        handler.log(event: event)
    }

    static func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(PersonalDataRedaction.redact(text))
        case .stringConvertible(let convertible): .string(PersonalDataRedaction.redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let values): .dictionary(values.mapValues(redact))
        }
    }
}
