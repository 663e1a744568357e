package import Foundation
import Synchronization

/// What the sandbox SMTP sink received: a count, the latest messages in memory, and optionally one `.eml` file each.
package final class MailStore: Sendable {
    package struct Mail: Sendable {
        package let sequence: Int
        package let from: String
        package let recipients: [String]
        package let data: [UInt8]
        package let receivedAt: Date

        /// The Subject header as sent (encoded words are not decoded).
        package var subject: String {
            let text = String(decoding: data.prefix(8192), as: UTF8.self)
            var subject: String?
            for line in text.components(separatedBy: "\r\n") {
                if line.isEmpty { break }
                if subject != nil, line.first == " " || line.first == "\t" {
                    subject! += line
                } else if subject != nil {
                    break
                } else if line.lowercased().hasPrefix("subject:") {
                    subject = String(line.dropFirst(8)).trimmingCharacters(in: .whitespaces)
                }
            }
            return subject ?? ""
        }
    }

    struct State {
        var count = 0
        var recent: [Mail] = []
    }

    private let state = Mutex(State())
    let keep: Int
    package let directory: URL?

    package init(keep: Int = 1000, directory: URL? = nil) throws {
        self.keep = keep
        self.directory = directory
        if let directory {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
    }

    func add(from: String, recipients: [String], data: [UInt8]) {
        let mail = state.withLock { state -> Mail in
            state.count += 1
            let mail = Mail(sequence: state.count, from: from, recipients: recipients, data: data, receivedAt: Date())
            state.recent.append(mail)
            if state.recent.count > keep { state.recent.removeFirst(state.recent.count - keep) }
            return mail
        }
        if let directory {
            let name = String(format: "%08d.eml", mail.sequence)
            try? Data(data).write(to: directory.appendingPathComponent(name))
        }
    }

    package var count: Int { state.withLock { $0.count } }

    package var recent: [Mail] { state.withLock { $0.recent } }
}
