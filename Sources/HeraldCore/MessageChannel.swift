/// How a message travels.
package enum MessageChannel: String, Codable, Sendable, CaseIterable {
    case email
    case sms
}
