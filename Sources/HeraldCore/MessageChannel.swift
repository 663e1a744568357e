/// How a message travels.
public enum MessageChannel: String, Codable, Sendable, CaseIterable {
    case email
    case sms
}
