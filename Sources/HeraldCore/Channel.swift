/// How a message travels.
public enum Channel: String, Codable, Sendable, CaseIterable {
    case email
    case sms
}
