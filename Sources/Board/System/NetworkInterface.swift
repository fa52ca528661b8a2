/// One network interface of the board, as `printer.attributes` lists them (3D-HSF-01.2).
public struct NetworkInterface: Sendable, Equatable, Codable {
    public var name: String
    /// Lowercase colon-separated hardware address; nil when the interface has none (loopback,
    /// tunnels: the kernel writes all zeros or nothing).
    public var macAddress: String?
    /// Administratively up (IFF_UP).
    public var isUp: Bool
    /// Up with a carrier (IFF_RUNNING): a cable plugged in, an associated Wi-Fi link.
    public var isRunning: Bool
    public var isLoopback: Bool
    public var addresses: [InterfaceAddress]

    public init(
        name: String, macAddress: String?, isUp: Bool, isRunning: Bool, isLoopback: Bool,
        addresses: [InterfaceAddress]
    ) {
        self.name = name
        self.macAddress = macAddress
        self.isUp = isUp
        self.isRunning = isRunning
        self.isLoopback = isLoopback
        self.addresses = addresses
    }
}

public struct InterfaceAddress: Sendable, Equatable, Codable {
    public enum Family: String, Sendable, Equatable, Codable {
        case ipv4, ipv6
    }

    public var family: Family
    /// Dotted quad, or RFC 5952 text for IPv6, without a zone suffix.
    public var address: String
    public var prefixLength: Int

    public init(family: Family, address: String, prefixLength: Int) {
        self.family = family
        self.address = address
        self.prefixLength = prefixLength
    }

    /// `192.168.1.20/24`, `fe80::1/64`.
    public var cidr: String {
        "\(address)/\(prefixLength)"
    }

    /// fe80::/10 (reachable only with the interface named) or 169.254/16.
    public var isLinkLocal: Bool {
        switch family {
        case .ipv4: return address.hasPrefix("169.254.")
        case .ipv6:
            let firstGroup = address.prefix { $0 != ":" }
            guard let value = UInt16(firstGroup, radix: 16) else { return false }
            return value & 0xFFC0 == 0xFE80
        }
    }
}

/// One entry of getifaddrs(3): an interface's flags with one address (IPv4 or IPv6), or with
/// none (the AF_PACKET entry every interface has, and interfaces without an IP address).
struct InterfaceAddressRecord: Equatable {
    var name: String
    /// The IFF_* bits.
    var flags: UInt32
    var family: InterfaceAddress.Family?
    /// 4 or 16 bytes, network order.
    var address: [UInt8] = []
    /// Same length as `address`; empty when the kernel gave no mask.
    var netmask: [UInt8] = []
}
