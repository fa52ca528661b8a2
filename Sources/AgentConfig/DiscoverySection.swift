/// [discovery]: how the agent makes itself known on the LAN (DNS-SD over multicast DNS, through avahi).
public struct DiscoverySettings: Sendable, Equatable {
    /// enabled: advertise the endpoint when it listens beyond loopback.
    public var enabled: Bool
    /// name: the DNS-SD instance name Managers list; nil means the agent's [agent] name.
    public var name: String?

    public init(enabled: Bool = true, name: String? = nil) {
        self.enabled = enabled
        self.name = name
    }
}

extension ConfigurationDecoder {
    /// RFC 6763 §4.1.1: an instance name is one DNS label, at most 63 bytes of UTF-8.
    static let maxInstanceNameBytes = 63

    static func discovery(_ reader: SectionReader) throws(ConfigurationError) -> DiscoverySettings {
        var settings = DiscoverySettings()
        settings.enabled = try reader.boolean("enabled") ?? settings.enabled
        if let name = try reader.text("name") {
            guard name.utf8.count <= maxInstanceNameBytes else {
                throw reader.problem(reader.table["name"]!,
                                     "'name' in [discovery] is \(name.utf8.count) bytes long; DNS-SD allows \(maxInstanceNameBytes) (UTF-8)")
            }
            settings.name = name
        }
        return settings
    }
}
