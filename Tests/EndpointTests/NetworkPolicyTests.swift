@testable import Endpoint
import Logging
import Testing
import TestSupport

/// The pure parts of the endpoint's network guard: the connection table, the origin policy, the client frame
/// mask check and the escaping of client text in logs (issue 14, finding 3).
struct NetworkPolicyTests {
    private func admitted(_ admission: ConnectionTable<Int>.Admission) -> (id: UInt64, evicted: Int?)? {
        if case .admitted(let id, let evicted) = admission { return (id, evicted) }
        return nil
    }

    @Test func theTableCapsConnectionsPerAddress() {
        var table = ConnectionTable<Int>(total: 8, perAddress: 2)
        #expect(admitted(table.admit(address: "10.0.0.1", handle: 1)) != nil)
        #expect(admitted(table.admit(address: "10.0.0.1", handle: 2)) != nil)
        guard case .refusedForAddress(count: 2) = table.admit(address: "10.0.0.1", handle: 3) else {
            Issue.record("a third connection from one address is refused")
            return
        }
        #expect(admitted(table.admit(address: "10.0.0.2", handle: 4)) != nil)
        #expect(table.count == 3)
    }

    @Test func atTheCapTheAddressWithTheMostIdleConnectionsGivesUpItsOldest() {
        var table = ConnectionTable<Int>(total: 6, perAddress: 6)
        let flood = (1...3).compactMap { admitted(table.admit(address: "flood", handle: $0)) }
        // The Manager: an authenticated WebSocket and a kept-alive connection, both served, and a fresh one.
        let served = (4...5).compactMap { admitted(table.admit(address: "manager", handle: $0)) }
        for connection in served { table.markRequested(connection.id) }
        let fresh = admitted(table.admit(address: "manager", handle: 6))
        #expect(flood.count == 3 && served.count == 2 && fresh != nil)
        // The flood's newcomer is turned away: its own address holds the most idle connections.
        guard case .refusedInTotal = table.admit(address: "flood", handle: 7) else {
            Issue.record("the heaviest address does not evict for itself")
            return
        }
        // A newcomer from a lighter address takes the place of the flood's oldest idle connection, not of the
        // Manager's fresh one, though the Manager holds as many connections as the flood.
        let other = admitted(table.admit(address: "other", handle: 8))
        #expect(other?.evicted == 1)
        #expect(admitted(table.admit(address: "second", handle: 9))?.evicted == 2)
        // Now each address holds one idle connection at most: a newcomer from one of them is refused, one from a
        // new address takes the oldest idle one.
        guard case .refusedInTotal = table.admit(address: "flood", handle: 10) else {
            Issue.record("nobody holds more idle connections than the newcomer's address: refused")
            return
        }
        #expect(admitted(table.admit(address: "third", handle: 11))?.evicted == 3)
        table.markRequested(fresh!.id)
        table.remove(served[0].id)
        #expect(admitted(table.admit(address: "fourth", handle: 12))?.evicted == nil)
    }

    @Test func aKeptAliveConnectionBetweenRequestsIsIdleAgain() {
        var table = ConnectionTable<Int>(total: 2, perAddress: 2)
        let first = admitted(table.admit(address: "a", handle: 1))
        let second = admitted(table.admit(address: "a", handle: 2))
        for connection in [first, second] { table.markRequested(connection!.id) }
        guard case .refusedInTotal = table.admit(address: "b", handle: 3) else {
            Issue.record("both connections are serving requests")
            return
        }
        // The first answered its request and waits for another: a newcomer may take its place.
        table.markIdle(first!.id)
        #expect(admitted(table.admit(address: "b", handle: 4))?.evicted == 1)
    }

    @Test func theTableForgetsWhatIsGone() {
        var table = ConnectionTable<Int>(total: 8, perAddress: 8)
        for round in 0..<10_000 {
            guard let (id, evicted) = admitted(table.admit(address: "a", handle: round)) else {
                Issue.record("refused at round \(round)")
                return
            }
            #expect(evicted == nil)
            table.remove(id)
        }
        #expect(table.count == 0 && table.count(from: "a") == 0)
    }

    @Test(arguments: [
        (nil, "10.0.0.5:8631", true),
        ("http://10.0.0.5:8631", "10.0.0.5:8631", true),
        ("https://[fe80::1]:8631", "[fe80::1]:8631", true),
        ("http://printer:8631", "printer:8631", true),
        ("http://PRINTER.local:8631/", "printer.local:8631", true),
        ("http://localhost:8631", "localhost:8631", true),
        ("https://manager.example.com", "10.0.0.5:8631", true),
        ("http://evil.example", "10.0.0.5:8631", false),
        ("http://evil.example:8631", "evil.example:8631", false),
        ("null", "10.0.0.5:8631", false),
        ("http://10.0.0.5:8631", "10.0.0.6:8631", false),
        ("http://10.0.0.5:8631", nil, false),
        ("ws://127.0.0.1", "127.0.0.1:8631", true),
        ("ws://printer.lan", "printer.lan:8631", true),
        ("wss://anything.example", "10.0.0.5:8631", true),
        ("http://10.0.0.5:3000", "10.0.0.5:8631", true),
        ("ftp://10.0.0.5", "10.0.0.5:8631", false),
    ] as [(String?, String?, Bool)])
    func origins(origin: String?, host: String?, allowed: Bool) {
        let policy = OriginPolicy(allowedOrigins: ["https://manager.example.com"], localNames: ["localhost", "printer", "printer.local"])
        #expect(policy.permits(origin: origin, host: host) == allowed)
    }

    @Test func theMaskCheckFollowsFramesOfEveryLengthAcrossChunks() {
        let masked = [RawFrames.frame(5), RawFrames.frame(300), RawFrames.frame(70_000)].flatMap { $0 }
        for chunk in [1, 3, 7, 1000, masked.count] {
            var check = ClientFrameMaskCheck()
            var verdicts: [ClientFrameMaskCheck.Verdict] = []
            var index = 0
            while index < masked.count {
                verdicts.append(check.consume(masked[index..<min(masked.count, index + chunk)]))
                index += chunk
            }
            #expect(verdicts.allSatisfy { $0 == .masked }, "chunks of \(chunk)")
            #expect(check.consume(RawFrames.frame(4, masked: false)) == .unmasked)
        }
    }

    @Test(arguments: [
        ("192.168.1.20", "192.168.1.20"),
        ("::ffff:192.168.1.20", "192.168.1.20"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80:0:0:0::/64"),
        ("::1", "0:0:0:0::/64"),
    ])
    func peersAreCountedByIPv4AddressOrIPv6Slash64(address: String, key: String) {
        #expect(ClientAddress.accountingKey(address) == key)
    }

    @Test func aCapWarningIsLoggedAtOnceThenAtMostOncePerIntervalWithTheCount() {
        let lines = Shared<[String]>([])
        let logger = Logger(label: "test") { _ in LineHandler(lines: lines) }
        let warning = RateLimitedWarning(logger: logger, interval: .seconds(10))
        let start = ContinuousClock.now
        for second in 0..<25 {
            for _ in 0..<10 { warning.warn("connection refused", now: start + .seconds(second)) }
        }
        #expect(lines.withLock { $0 } == [
            "connection refused",
            "connection refused (and 99 more since the last warning)",
            "connection refused (and 99 more since the last warning)",
        ])
    }

    @Test func clientTextInLogsIsEscaped() {
        #expect(LogText.escaped("plug-in\n\u{1B}[31mFAKE error\r\u{7}") == "plug-in\\n\\u{1b}[31mFAKE error\\r\\u{7}")
        #expect(LogText.escaped("a\u{202E}b\\") == "a\\u{202e}b\\\\")
        #expect(LogText.escaped("Prusa MK4 — Küche") == "Prusa MK4 — Küche")
        #expect(LogText.escaped(String(repeating: "x", count: 300)).count == 201)
    }
}

/// Keeps each logged message.
struct LineHandler: LogHandler {
    let lines: Shared<[String]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append(event.message.description) }
    }
}

/// Client frames for the mask check: a text frame with a payload of `length` bytes.
enum RawFrames {
    static func frame(_ length: Int, masked: Bool = true) -> [UInt8] {
        var frame: [UInt8] = [0x81]
        let bit: UInt8 = masked ? 0x80 : 0
        if length < 126 {
            frame.append(bit | UInt8(length))
        } else if length <= 0xFFFF {
            frame += [bit | 126, UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            frame += [bit | 127] + (0..<8).reversed().map { UInt8((length >> ($0 * 8)) & 0xFF) }
        }
        if masked { frame += [1, 2, 3, 4] }
        return frame + [UInt8](repeating: 0x61, count: length)
    }
}
