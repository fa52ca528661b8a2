import Foundation
import Testing
@testable import Board

@Suite("Network interfaces")
struct SystemNetworkTests {
    // IFF_UP 0x1, IFF_BROADCAST 0x2, IFF_LOOPBACK 0x8, IFF_RUNNING 0x40, IFF_MULTICAST 0x1000:
    // the flags a Pi's interfaces carry.
    private static let loopbackFlags: UInt32 = 0x1 | 0x8 | 0x40
    private static let ethernetUp: UInt32 = 0x1 | 0x2 | 0x40 | 0x1000
    private static let wifiDown: UInt32 = 0x2 | 0x1000

    /// getifaddrs on a Pi 4 with Ethernet connected and Wi-Fi down: the AF_PACKET entries first,
    /// then the IPv4 ones, then the IPv6 ones, as glibc lists them.
    private static let piRecords: [InterfaceAddressRecord] = [
        .init(name: "lo", flags: loopbackFlags, family: nil),
        .init(name: "eth0", flags: ethernetUp, family: nil),
        .init(name: "wlan0", flags: wifiDown, family: nil),
        .init(name: "lo", flags: loopbackFlags, family: .ipv4, address: [127, 0, 0, 1], netmask: [255, 0, 0, 0]),
        .init(name: "eth0", flags: ethernetUp, family: .ipv4, address: [192, 168, 1, 42], netmask: [255, 255, 255, 0]),
        .init(name: "lo", flags: loopbackFlags, family: .ipv6,
              address: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], netmask: Array(repeating: 0xFF, count: 16)),
        .init(name: "eth0", flags: ethernetUp, family: .ipv6,
              address: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x42],
              netmask: Array(repeating: 0xFF, count: 8) + Array(repeating: 0, count: 8)),
        .init(name: "eth0", flags: ethernetUp, family: .ipv6,
              address: [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0xda, 0x3a, 0xdd, 0xff, 0xfe, 0x12, 0x34, 0x56],
              netmask: Array(repeating: 0xFF, count: 8) + Array(repeating: 0, count: 8)),
    ]

    private static let piMACs = ["eth0": "d8:3a:dd:12:34:56", "wlan0": "d8:3a:dd:12:34:57"]

    @Test func groupsRecordsIntoInterfacesInKernelOrder() {
        let interfaces = NetworkInterfaces.interfaces(from: Self.piRecords) { Self.piMACs[$0] }
        #expect(interfaces == [
            NetworkInterface(
                name: "lo", macAddress: nil, isUp: true, isRunning: true, isLoopback: true,
                addresses: [
                    InterfaceAddress(family: .ipv4, address: "127.0.0.1", prefixLength: 8),
                    InterfaceAddress(family: .ipv6, address: "::1", prefixLength: 128),
                ]),
            NetworkInterface(
                name: "eth0", macAddress: "d8:3a:dd:12:34:56", isUp: true, isRunning: true, isLoopback: false,
                addresses: [
                    InterfaceAddress(family: .ipv4, address: "192.168.1.42", prefixLength: 24),
                    InterfaceAddress(family: .ipv6, address: "2001:db8:0:1::42", prefixLength: 64),
                    InterfaceAddress(family: .ipv6, address: "fe80::da3a:ddff:fe12:3456", prefixLength: 64),
                ]),
            NetworkInterface(
                name: "wlan0", macAddress: "d8:3a:dd:12:34:57", isUp: false, isRunning: false, isLoopback: false,
                addresses: []),
        ])
    }

    @Test(arguments: [
        ([UInt8]([255, 255, 255, 0]), 24),
        ([255, 255, 255, 255], 32),
        ([0, 0, 0, 0], 0),
        ([255, 255, 240, 0], 20),
        ([255, 255, 255, 252], 30),
        ([255, 128, 0, 0], 9),
        (Array(repeating: 0xFF, count: 7) + [0xF0] + Array(repeating: 0, count: 8), 60),
        ([255, 0, 255, 0], 8),
    ] as [([UInt8], Int)])
    func countsThePrefixOfANetmask(netmask: [UInt8], prefix: Int) {
        #expect(NetworkInterfaces.prefixLength(netmask: netmask) == prefix)
    }

    @Test func takesTheWholeAddressWhenTheKernelGaveNoMask() {
        let record = InterfaceAddressRecord(
            name: "tun0", flags: 0x1 | 0x10 | 0x40, family: .ipv4, address: [10, 8, 0, 6], netmask: [])
        #expect(NetworkInterfaces.interfaceAddress(record) == InterfaceAddress(family: .ipv4, address: "10.8.0.6", prefixLength: 32))
    }

    @Test func dropsAnAddressOfTheWrongLength() {
        let record = InterfaceAddressRecord(name: "eth0", flags: 0x1, family: .ipv6, address: [10, 0, 0, 1], netmask: [])
        #expect(NetworkInterfaces.interfaceAddress(record) == nil)
    }

    @Test(arguments: [
        ("d8:3a:dd:12:34:56\n", "d8:3a:dd:12:34:56"),
        ("B8:27:EB:AB:CD:EF\n", "b8:27:eb:ab:cd:ef"),
        ("00:00:00:00:00:00\n", nil),
        ("", nil),
        ("\n", nil),
        ("garbage\n", nil),
        ("00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33\n", "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33"),
    ] as [(String, String?)])
    func readsTheSysfsHardwareAddress(text: String, expected: String?) {
        #expect(NetworkInterfaces.macAddress(sysfsText: text) == expected)
    }

    @Test(arguments: [
        (InterfaceAddress(family: .ipv6, address: "fe80::1", prefixLength: 64), true),
        (InterfaceAddress(family: .ipv6, address: "febf:ffff::1", prefixLength: 64), true),
        (InterfaceAddress(family: .ipv6, address: "fec0::1", prefixLength: 10), false),
        (InterfaceAddress(family: .ipv6, address: "2001:db8::1", prefixLength: 64), false),
        (InterfaceAddress(family: .ipv6, address: "::1", prefixLength: 128), false),
        (InterfaceAddress(family: .ipv4, address: "169.254.10.1", prefixLength: 16), true),
        (InterfaceAddress(family: .ipv4, address: "192.168.1.2", prefixLength: 24), false),
    ])
    func knowsLinkLocalAddresses(address: InterfaceAddress, linkLocal: Bool) {
        #expect(address.isLinkLocal == linkLocal)
        #expect(address.cidr == "\(address.address)/\(address.prefixLength)")
    }

    @Test func readsThisMachinesInterfaces() throws {
        let interfaces = try NetworkInterfaces.read()
        let loopback = try #require(interfaces.first { $0.name == "lo" })
        #expect(loopback.isLoopback && loopback.isUp)
        #expect(loopback.macAddress == nil)
        #expect(loopback.addresses.contains(InterfaceAddress(family: .ipv4, address: "127.0.0.1", prefixLength: 8)))
        #expect(Set(interfaces.map(\.name)).count == interfaces.count)
        // Every interface in /sys/class/net shows up, and its MAC is the one sysfs has.
        let sysfsNames = try FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")
        for name in sysfsNames {
            let interface = try #require(interfaces.first { $0.name == name }, "\(name) missing")
            let text = try String(contentsOfFile: "/sys/class/net/\(name)/address", encoding: .utf8)
            #expect(interface.macAddress == NetworkInterfaces.macAddress(sysfsText: text))
        }
    }

    @Test func readsTheHardwareAddressFromTheGivenSysfs() throws {
        let sysfs = try SystemFixtureTree(texts: ["class/net/lo/address": "02:00:00:00:00:01\n"])
        defer { sysfs.remove() }
        let interfaces = try NetworkInterfaces.read(sysfsRoot: sysfs.path)
        #expect(interfaces.first { $0.name == "lo" }?.macAddress == "02:00:00:00:00:01")
    }

    @Test func encodesToJSONAndBack() throws {
        let interfaces = NetworkInterfaces.interfaces(from: Self.piRecords) { Self.piMACs[$0] }
        let decoded = try JSONDecoder().decode([NetworkInterface].self, from: JSONEncoder().encode(interfaces))
        #expect(decoded == interfaces)
    }
}
