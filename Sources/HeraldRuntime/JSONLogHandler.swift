import Foundation
import HeraldCore
package import Logging

/// One JSON object per line on stderr (`HERALD_LOG_FORMAT=json`): `ts`, `level`, `logger`, `message`, then the
/// metadata's keys as they are (`message.id`, `error`, ...).
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level
    let label: String

    package init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var fields: [String: JSONValue] = [
            "ts": .string(Timestamp.string(Date())),
            "level": .string(event.level.rawValue), "logger": .string(label), "message": .string("\(event.message)"),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            fields[key] = .string("\(value)")
        }
        if let source = event.source as String?, !source.isEmpty { fields["source"] = .string(source) }
        FileHandle.standardError.write(Data((JSONValue.object(fields).encoded() + "\n").utf8))
    }
}
