import MulticastDNS
import ThreeDPProtocol

/// An agent found on the LAN: its DNS-SD instance and what its TXT record says (`LANAdvertisement`'s keys).
public struct LANAgent: Sendable, Equatable {
    public var name: String
    public var host: String
    public var port: Int
    public var addresses: [String]
    /// The TXT record as key → value; keys in lower case.
    public var txt: [String: String]

    public init(_ instance: ServiceInstance) {
        name = instance.name
        host = instance.host
        port = instance.port
        addresses = instance.addresses
        txt = LANAdvertisement.attributes(instance.txt)
    }

    public var tls: Bool { txt[LANAdvertisement.Key.tls] == "1" }

    /// The URL a Manager would use: the first address (a name needs mDNS resolution the caller may not have).
    public var url: String {
        let address = addresses.first.map { $0.contains(":") ? "[\($0)]" : $0 } ?? host
        return (tls ? "https://" : "http://") + address + ":\(port)"
    }

    /// The `--json` form: one object per agent.
    public var json: JSONValue {
        .object([
            "name": .string(name), "host": .string(host), "port": .integer(Int64(port)),
            "addresses": .array(addresses.map(JSONValue.string)), "url": .string(url),
            "txt": .object(txt.mapValues(JSONValue.string)),
        ])
    }

    /// "Workshop printers  raspberrypi.local:8631 (192.168.1.20)  API 1.0 · system 3f2a… · TLS off · /3dp/v1",
    /// with " · fingerprint …" when the agent has one.
    public var text: String {
        let key = LANAdvertisement.Key.self
        var line = "\(name)  \(host):\(port)"
        if !addresses.isEmpty { line += " (\(addresses.joined(separator: " ")))" }
        var parts = ["API \(txt[key.apiVersion] ?? "?")", "system \(txt[key.systemID] ?? "?")",
                     "TLS \(tls ? "on" : "off")", txt[key.path] ?? "?"]
        if let fingerprint = txt[key.fingerprint] { parts.append("fingerprint \(fingerprint)") }
        return line + "  " + parts.joined(separator: " · ")
    }
}
