import Foundation
import Glibc

/// The board's network interfaces and their addresses: getifaddrs(3) for the addresses and
/// flags, /sys/class/net/<name>/address for the hardware address.
public enum NetworkInterfaces {
    public static func read(sysfsRoot: String = "/sys") throws(SystemCallError) -> [NetworkInterface] {
        let records = try readRecords()
        return interfaces(from: records) { name in
            SystemFile.text("class/net/\(name)/address", under: sysfsRoot).flatMap(macAddress(sysfsText:))
        }
    }

    /// One interface per name, in the order getifaddrs lists them (the kernel's index order),
    /// each with its addresses in the order they came.
    static func interfaces(
        from records: [InterfaceAddressRecord], macAddress: (String) -> String?
    ) -> [NetworkInterface] {
        var order: [String] = []
        var byName: [String: NetworkInterface] = [:]
        for record in records {
            if byName[record.name] == nil {
                order.append(record.name)
                byName[record.name] = NetworkInterface(
                    name: record.name, macAddress: macAddress(record.name),
                    isUp: record.flags & UInt32(IFF_UP) != 0,
                    isRunning: record.flags & UInt32(IFF_RUNNING) != 0,
                    isLoopback: record.flags & UInt32(IFF_LOOPBACK) != 0,
                    addresses: [])
            }
            if let address = interfaceAddress(record) {
                byName[record.name]?.addresses.append(address)
            }
        }
        return order.compactMap { byName[$0] }
    }

    static func interfaceAddress(_ record: InterfaceAddressRecord) -> InterfaceAddress? {
        guard let family = record.family else { return nil }
        let length = family == .ipv4 ? 4 : 16
        guard record.address.count == length, let text = addressText(record.address, family: family) else { return nil }
        // A missing or malformed mask: a host route, the whole address.
        let prefix = record.netmask.count == length ? prefixLength(netmask: record.netmask) : length * 8
        return InterfaceAddress(family: family, address: text, prefixLength: prefix)
    }

    /// Leading one bits; a non-contiguous mask (never set on Linux interfaces) counts up to its first zero.
    static func prefixLength(netmask: [UInt8]) -> Int {
        var bits = 0
        for byte in netmask {
            if byte == 0xFF {
                bits += 8
                continue
            }
            bits += (~byte).leadingZeroBitCount
            break
        }
        return bits
    }

    static func addressText(_ bytes: [UInt8], family: InterfaceAddress.Family) -> String? {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family == .ipv4 ? AF_INET : AF_INET6, raw.baseAddress, &text, socklen_t(text.count))
        }
        guard written != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The sysfs `address` file's text, lowercased; nil when empty or all zeros (loopback writes
    /// 00:00:00:00:00:00, tun devices nothing).
    static func macAddress(sysfsText text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let octets = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        guard !octets.isEmpty,
              octets.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }),
              octets.contains(where: { $0 != "00" })
        else { return nil }
        return trimmed
    }

    static func readRecords() throws(SystemCallError) -> [InterfaceAddressRecord] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { throw SystemCallError(call: "getifaddrs", errno: errno) }
        defer { freeifaddrs(list) }

        var records: [InterfaceAddressRecord] = []
        var entry = list
        while let current = entry {
            defer { entry = current.pointee.ifa_next }
            let name = String(cString: current.pointee.ifa_name)
            var record = InterfaceAddressRecord(name: name, flags: current.pointee.ifa_flags, family: nil)
            if let socketAddress = current.pointee.ifa_addr {
                switch Int32(socketAddress.pointee.sa_family) {
                case AF_INET:
                    record.family = .ipv4
                    record.address = ipv4Bytes(socketAddress)
                    record.netmask = current.pointee.ifa_netmask.map(ipv4Bytes) ?? []
                case AF_INET6:
                    record.family = .ipv6
                    record.address = ipv6Bytes(socketAddress)
                    record.netmask = current.pointee.ifa_netmask.map(ipv6Bytes) ?? []
                default:
                    break
                }
            }
            records.append(record)
        }
        return records
    }

    private static func ipv4Bytes(_ socketAddress: UnsafeMutablePointer<sockaddr>) -> [UInt8] {
        UnsafeRawPointer(socketAddress).withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
            withUnsafeBytes(of: inet.pointee.sin_addr) { Array($0) }
        }
    }

    private static func ipv6Bytes(_ socketAddress: UnsafeMutablePointer<sockaddr>) -> [UInt8] {
        UnsafeRawPointer(socketAddress).withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet6 in
            withUnsafeBytes(of: inet6.pointee.sin6_addr) { Array($0) }
        }
    }
}
