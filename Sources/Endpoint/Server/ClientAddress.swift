import Glibc

/// Whom the per-address bounds (connections, wrong pairing codes) count a peer as. An IPv4 address is one client.
/// An IPv6 host usually has a whole /64 to itself (SLAAC, privacy addresses), so counting by address would give an
/// attacker 2^64 fresh "clients": IPv6 peers are counted by their /64. An IPv4-mapped address counts as its IPv4.
enum ClientAddress {
    static func accountingKey(_ ip: String) -> String {
        let address = ip.split(separator: "%", maxSplits: 1).first.map(String.init) ?? ip
        guard address.contains(":") else { return address }
        var parsed = in6_addr()
        guard inet_pton(AF_INET6, address, &parsed) == 1 else { return address }
        let bytes = withUnsafeBytes(of: &parsed) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
