@testable import ManagerClient
import MulticastDNS
import Testing
import ThreeDPProtocol

/// The DNS-SD wire format on a real answer: the bytes avahi-daemon 0.8 sent to a one-shot query for
/// _3dp._tcp.local (legacy unicast, RFC 6762 §6.7), recorded with an avahi-publish-service advertising
/// "Workshop printers" on port 8631.
struct MulticastDNSTests {
    static let avahiAnswer = bytes(fromHex: "829c84000001000500000000045f336470045f746370056c6f63616c00000c0001c00c000c00010000000a001411576f726b73686f70207072696e74657273c00cc02d001000010000000a004809747874766572733d31076170693d312e301673797369643d3366326139633064313165323462376105746c733d310b66703d41423a43443a45460c706174683d2f3364702f7631c02d002100010000000a000b0000000021b702766dc016c0a7001c00010000000a001000000000000000000000000000000001c0a7000100010000000a00047f000001")

    static func bytes(fromHex hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test func avahisAnswerDecodesToItsFiveRecords() throws {
        let message = try DNSMessage.decode(Self.avahiAnswer)
        #expect(message.isResponse)
        #expect(message.questions == [DNSQuestion(name: DNSName(dotted: "_3dp._tcp.local"), type: .ptr)])
        #expect(message.answers.count == 5)
        let instance = DNSName(labels: ["Workshop printers", "_3dp", "_tcp", "local"])
        #expect(message.answers[0] == DNSRecord(name: DNSName(dotted: "_3dp._tcp.local"), ttl: 10, data: .ptr(instance)))
        #expect(message.answers.contains(DNSRecord(name: instance, ttl: 10,
                                                   data: .srv(priority: 0, weight: 0, port: 8631, target: DNSName(dotted: "vm.local")))))
        #expect(message.answers.contains { $0.data == .a([127, 0, 0, 1]) })
        #expect(message.answers.contains { $0.data.addressText == "::1" })
    }

    @Test func aBrowseAssemblesTheAgentFromTheAnswer() throws {
        var browse = ServiceBrowse(serviceType: LANAdvertisement.serviceType)
        browse.add(try DNSMessage.decode(Self.avahiAnswer))
        let found = browse.found
        #expect(found == [ServiceInstance(
            name: "Workshop printers", host: "vm.local", port: 8631, addresses: ["127.0.0.1", "::1"],
            txt: ["txtvers=1", "api=1.0", "sysid=3f2a9c0d11e24b7a", "tls=1", "fp=AB:CD:EF", "path=/3dp/v1"])])
        // Everything came in the one answer: nothing is left to ask.
        #expect(browse.followUpQuestions().isEmpty)
        let agent = LANAgent(try #require(found.first))
        #expect(agent.txt == ["txtvers": "1", "api": "1.0", "sysid": "3f2a9c0d11e24b7a", "tls": "1", "fp": "AB:CD:EF", "path": "/3dp/v1"])
        #expect(agent.url == "https://127.0.0.1:8631")
        #expect(agent.text == "Workshop printers  vm.local:8631 (127.0.0.1 ::1)  API 1.0 · system 3f2a9c0d11e24b7a · TLS on · /3dp/v1 · fingerprint AB:CD:EF")
    }

    @Test func everyCutOfTheAnswerIsAnErrorNotACrash() {
        for length in 0..<Self.avahiAnswer.count {
            #expect(throws: DNSMessageError.self) { try DNSMessage.decode(Array(Self.avahiAnswer[..<length])) }
        }
    }

    @Test func aCompressionPointerThatDoesNotPointBackIsRefused() {
        // One answer whose name is a pointer to itself (offset 12): a loop if followed.
        let header: [UInt8] = [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]
        #expect(throws: DNSMessageError.badPointer(at: 12)) { try DNSMessage.decode(header + [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 10, 0, 4, 1, 2, 3, 4]) }
    }

    @Test func aQueryIsEncodedAsRFC1035Says() throws {
        let query = DNSMessage(id: 0x1234, questions: [DNSQuestion(name: DNSName(dotted: "_3dp._tcp.local"), type: .ptr)])
        #expect(try query.encodedQuery() == [0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                               4, 0x5F, 0x33, 0x64, 0x70, 4, 0x5F, 0x74, 0x63, 0x70, 5, 0x6C, 0x6F, 0x63, 0x61, 0x6C, 0,
                                               0, 12, 0, 1])
        let tooLong = DNSMessage(questions: [DNSQuestion(name: DNSName(labels: [String(repeating: "x", count: 64)]), type: .txt)])
        #expect(throws: DNSMessageError.self) { try tooLong.encodedQuery() }
    }

    @Test func anAgentAnsweringOnTwoInterfacesIsListedOnceWithBothAddresses() {
        let wired = ServiceInstance(name: "Bench", host: "bench.local", port: 8631, addresses: ["192.168.1.20"], txt: ["api=1.0"])
        var wireless = wired
        wireless.addresses = ["10.0.0.7", "192.168.1.20"]
        let other = ServiceInstance(name: "Bench", host: "other.local", port: 8631, addresses: ["10.0.0.8"], txt: [])
        let merged = LANBrowser.merged(LANBrowser.merged([], [wired]), [wireless, other])
        #expect(merged.map(\.host) == ["bench.local", "other.local"])
        #expect(merged.first?.addresses == ["192.168.1.20", "10.0.0.7"])
    }

    @Test func aGoodbyeForgetsTheAgentAndMissingRecordsAreAskedForOnce() throws {
        let service = DNSName(dotted: "_3dp._tcp.local")
        let instance = DNSName(labels: ["Bench", "_3dp", "_tcp", "local"])
        var browse = ServiceBrowse(serviceType: "_3dp._tcp")
        browse.add(DNSMessage(flags: 0x8400, answers: [DNSRecord(name: service, ttl: 4500, data: .ptr(instance))]))
        #expect(browse.found.isEmpty)
        #expect(browse.followUpQuestions() == [DNSQuestion(name: instance, type: .srv), DNSQuestion(name: instance, type: .txt)])
        #expect(browse.followUpQuestions().isEmpty)
        let host = DNSName(dotted: "bench.local")
        browse.add(DNSMessage(flags: 0x8400, answers: [DNSRecord(name: instance, ttl: 120, data: .srv(priority: 0, weight: 0, port: 9000, target: host))]))
        #expect(browse.followUpQuestions() == [DNSQuestion(name: host, type: .a), DNSQuestion(name: host, type: .aaaa)])
        #expect(browse.found.map(\.port) == [9000])
        browse.add(DNSMessage(flags: 0x8400, answers: [DNSRecord(name: service, ttl: 0, data: .ptr(instance))]))
        #expect(browse.found.isEmpty)
    }

    @Test(arguments: [
        ([UInt8](repeating: 0, count: 15) + [1], "::1"),
        ([0xFE, 0x80] + [UInt8](repeating: 0, count: 12) + [0x12, 0x34], "fe80::1234"),
        ([0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], "2001:db8:0:1::1"),
        ([0x20, 0x01, 0x0D, 0xB8, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "2001:db8:1:1:1:1:1:1"),
    ])
    func ipv6AddressesAreWrittenAsRFC5952Says(bytes: [UInt8], text: String) {
        #expect(DNSRecord.Data.aaaa(bytes).addressText == text)
    }

    @Test func theAdvertisementsTXTRecordOmitsTheFingerprintWithoutOneAndReadsBack() {
        let plain = LANAdvertisement(name: "Workshop", port: 8631, systemID: "abc", tls: false, fingerprint: nil)
        #expect(plain.txtRecord == ["txtvers=1", "api=1.0", "sysid=abc", "tls=0", "path=/3dp/v1"])
        let secure = LANAdvertisement(name: "Workshop", port: 8631, systemID: "abc", tls: true, fingerprint: "00:FF")
        #expect(LANAdvertisement.attributes(secure.txtRecord)["fp"] == "00:FF")
        #expect(LANAdvertisement.attributes(["Flag", "API=2", "api=3", "=x", ""]) == ["flag": "", "api": "2"])
        // 63 bytes at most, cut between characters: "é" is two bytes, so 31 of them and no half.
        #expect(LANAdvertisement.instanceName(String(repeating: "é", count: 40)) == String(repeating: "é", count: 31))
        #expect(LANAdvertisement.instanceName("") == "3dp-agent")
    }
}
