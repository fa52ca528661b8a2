/// What an agent tells the LAN about itself over DNS-SD (RFC 6763): the service type a Manager browses for, and
/// the TXT record that lets it choose and pin an agent before it connects. The agent publishes it and the
/// Manager client reads it back, so the keys live here once.
///
/// `_3dp._tcp` rather than `_http._tcp`: a Manager browsing for it meets only endpoints that speak 3DP-1, not
/// every web server on the network, and the name matches the API's own (`/3dp/v1`).
public struct LANAdvertisement: Sendable, Equatable {
    /// The DNS-SD service type, without the domain.
    public static let serviceType = "_3dp._tcp"
    /// RFC 6763 §4.1.1: an instance name is at most 63 bytes of UTF-8.
    public static let maxInstanceNameBytes = 63

    /// TXT keys: short (RFC 6763 §6.4 asks for 9 characters or fewer), lower case.
    public enum Key {
        /// RFC 6763 §6.7: the version of this TXT layout, first in the record.
        public static let txtVersion = "txtvers"
        public static let apiVersion = "api"
        public static let systemID = "sysid"
        public static let tls = "tls"
        public static let fingerprint = "fp"
        public static let path = "path"
    }

    /// The instance name people see ("Workshop printers"); at most `maxInstanceNameBytes` bytes.
    public var name: String
    /// The endpoint's TCP port.
    public var port: Int
    public var apiVersion: String
    public var systemID: String
    /// Whether the endpoint speaks `wss://` and `https://`.
    public var tls: Bool
    /// The SHA-256 fingerprint of the endpoint's certificate; nil (and no `fp` key) without TLS.
    public var fingerprint: String?
    public var path: String

    public init(name: String, port: Int, apiVersion: String = "1.0", systemID: String, tls: Bool,
                fingerprint: String?, path: String = ThreeDPTransport.basePath) {
        self.name = Self.instanceName(name)
        self.port = port
        self.apiVersion = apiVersion
        self.systemID = systemID
        self.tls = tls
        self.fingerprint = fingerprint
        self.path = path
    }

    /// The TXT record's strings, `key=value`, in a fixed order.
    public var txtRecord: [String] {
        var strings = ["\(Key.txtVersion)=1", "\(Key.apiVersion)=\(apiVersion)", "\(Key.systemID)=\(systemID)",
                       "\(Key.tls)=\(tls ? 1 : 0)"]
        if let fingerprint { strings.append("\(Key.fingerprint)=\(fingerprint)") }
        strings.append("\(Key.path)=\(path)")
        return strings
    }

    /// A name cut to what DNS-SD carries, at a character boundary; an empty name becomes "3dp-agent".
    public static func instanceName(_ name: String) -> String {
        var cut = ""
        var bytes = 0
        for character in name {
            let size = String(character).utf8.count
            if bytes + size > maxInstanceNameBytes { break }
            cut.append(character)
            bytes += size
        }
        return cut.isEmpty ? "3dp-agent" : cut
    }

    /// RFC 6763 §6.3: key=value strings as a dictionary; a key without "=" is a boolean present (empty value);
    /// keys compare case-insensitively, and the first of a repeated key wins.
    public static func attributes(_ strings: [String]) -> [String: String] {
        var attributes: [String: String] = [:]
        for string in strings where !string.isEmpty && !string.hasPrefix("=") {
            let parts = string.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].lowercased()
            if attributes[key] == nil { attributes[key] = parts.count == 2 ? String(parts[1]) : "" }
        }
        return attributes
    }
}
