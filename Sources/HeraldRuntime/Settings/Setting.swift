/// One setting of the fleet, declared once in the table (`Setting.all`): its environment variable, the command-line
/// option that stands for it (the variable's name without `HERALD_`, in lower case with dashes: `HERALD_SMTP_URL` is
/// `--smtp-url`), what it sets, its default and the roles that read it. `--help`, the check of the command line, the
/// warning about unknown variables, the README's table and every typed read (`Environment.int(.smtpConnections)`)
/// come from it.
package struct Setting: Sendable, Hashable, Identifiable {
    /// Where `--help` and the README list a setting.
    package enum Group: String, Sendable, CaseIterable {
        case process = "Database, broker and process"
        case topology = "Broker topology"
        case recovery = "Recovery"
        case consuming = "Consuming"
        case api = "API, relay and retention"
        case links = "Public links and tokens"
        case rendering = "Rendering"
        case smtp = "SMTP"
        case tyntec = "Tyntec"
        case polling = "Polling"
        case digests = "Digests"
        case callbacks = "Callbacks"
        case inbound = "Inbound SMTP"
    }

    /// `HERALD_SMTP_URL`.
    package let variable: String
    /// What it sets, as one sentence or phrase.
    package let summary: String
    /// The value used when the setting is not given; nil: none (or one worked out from other settings).
    package let defaultValue: String?
    /// Values that differ from `defaultValue` for some roles.
    package let roleDefaults: [Role: String]
    /// How `--help` and the README describe the default, where the value alone does not say it all.
    package let defaultNote: String?
    package let group: Group
    package let roles: Set<Role>

    package var id: String { variable }

    package init(
        _ variable: String, _ summary: String, default defaultValue: String? = nil, byRole roleDefaults: [Role: String] = [:],
        note defaultNote: String? = nil, group: Group, roles: Set<Role>
    ) {
        self.variable = variable
        self.summary = summary
        self.defaultValue = defaultValue
        self.roleDefaults = roleDefaults
        self.defaultNote = defaultNote
        self.group = group
        self.roles = roles
    }

    /// `--smtp-url` for `HERALD_SMTP_URL`, `--log-level` for `LOG_LEVEL`.
    package var option: String {
        let name = variable.hasPrefix("HERALD_") ? variable.dropFirst("HERALD_".count) : Substring(variable)
        return "--" + String(name.lowercased().map { $0 == "_" ? "-" : $0 })
    }

    /// The default for `role` (nil: the default of every role).
    package func defaultValue(for role: Role?) -> String? {
        role.flatMap { roleDefaults[$0] } ?? defaultValue
    }

    /// How the default reads in `--help` and the README: `8`, `none`, or the note.
    package var defaultDescription: String {
        if let defaultNote { return defaultNote }
        guard let defaultValue else { return "none" }
        guard !roleDefaults.isEmpty else { return defaultValue }
        let byRole = roleDefaults.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }
        return "\(defaultValue), but " + byRole.joined(separator: ", ")
    }

    package static func == (a: Setting, b: Setting) -> Bool { a.variable == b.variable }
    package func hash(into hasher: inout Hasher) { hasher.combine(variable) }
}
