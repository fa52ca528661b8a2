import Endpoint
import Foundation
import TestSupport

/// A small, seeded fuzzer for the soak test: mutated JSON-RPC messages over HTTP (a new connection each, from
/// 127.0.0.200) and over a WebSocket (from 127.0.0.201, opened again whenever the agent closes it), without a
/// token, and never a method that reaches the printer. Every message must get an answer: an HTTP status below
/// 500, a WebSocket text frame, or a WebSocket close with a code.
struct LoopbackFuzzer {
    struct Tally: Sendable, CustomStringConvertible {
        var sent = 0
        var answered = 0
        var serverErrors = 0
        var unanswered = 0
        var description: String { "\(sent) sent, \(answered) answered, \(serverErrors) 5xx, \(unanswered) unanswered" }
    }

    let port: Int
    var seed: UInt64 = 0x3D_2026_14
    /// Between two messages: a small fuzzer beside the flood, not a load test of its own.
    var pause: Duration = .milliseconds(10)

    static let seeds: [String] = [
        #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"1","method":"service.discover","params":{}}"#,
        #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"2","method":"agent.time"}"#,
        #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"3","method":"printer.status","params":{"serviceId":"vp1"}}"#,
        #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"4","method":"session.authenticate","params":{"accessToken":"3dp_x"}}"#,
        #"[{"jsonrpc":"2.0","dwapiversion":"1.0","id":"5","method":"agent.time"},{"jsonrpc":"2.0","id":6}]"#,
        #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"7","method":"events.poll","params":{"subscriptionId":"sub-1","timeoutSeconds":0}}"#,
        #"{"jsonrpc":"2.0","dwapiversion":"1.0","id":"8","method":"queue.list","params":{"include":"all"}}"#,
    ]

    /// Runs until `stop` is set; blocking, for a thread of its own.
    func run(stop: Shared<Bool>) -> Tally {
        var random = SplitMix64(seed: seed)
        var tally = Tally()
        var socket: RawConnection?
        while !stop.withLock({ $0 }) {
            Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18 + Double(pause.components.seconds))
            let message = Self.mutate(Array(Self.seeds[Int(random.next() % UInt64(Self.seeds.count))].utf8), &random)
            tally.sent += 1
            if random.next() % 2 == 0 {
                switch http(message) {
                case .some(let status) where status >= 500: tally.serverErrors += 1
                case .some: tally.answered += 1
                case .none: tally.unanswered += 1
                }
                continue
            }
            if socket == nil {
                socket = try? RawConnection(port: port, from: "127.0.0.201")
                if let opened = socket, !RawWebSocket.open(opened, port: port).upgraded { socket = nil }
            }
            guard let open = socket else {
                tally.unanswered += 1
                continue
            }
            // Text frames only: a binary frame is a message too, but the mutations are about the JSON.
            open.send(RawWebSocket.frame(opcode: 1, message))
            let (bytes, closed) = open.receive(until: { !RawWebSocket.frames(in: $0).isEmpty }, timeout: .seconds(5))
            let frames = RawWebSocket.frames(in: bytes)
            if frames.contains(where: { $0.opcode == 1 || $0.opcode == 8 }) {
                tally.answered += 1
            } else if closed {
                // Closed before the message was read (its 5 s to authenticate ran out): send it again next time.
                tally.sent -= 1
            } else {
                tally.unanswered += 1
            }
            if closed || frames.contains(where: { $0.opcode == 8 }) { socket = nil }
        }
        return tally
    }

    /// The HTTP status of a POST of `body`, or nil without an answer within 5 s.
    private func http(_ body: [UInt8]) -> Int? {
        guard let connection = try? RawConnection(port: port, from: "127.0.0.200") else { return nil }
        connection.send("POST /3dp/v1/rpc HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
                        + "Connection: close\r\nContent-Length: \(body.count)\r\n\r\n")
        connection.send(body)
        let (bytes, _) = connection.receive(until: { _ in false }, timeout: .seconds(5))
        let head = String(decoding: bytes.prefix(12), as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 "), let status = Int(head.dropFirst(9).prefix(3)) else { return nil }
        return status
    }

    static func mutate(_ message: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = message
        for _ in 0..<(1 + Int(random.next() % 3)) where !bytes.isEmpty {
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 7 {
            case 0: bytes[at] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            case 1: bytes.remove(at: at)
            case 2: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            case 3: bytes = Array(bytes[..<at])
            case 4: bytes.insert(contentsOf: Array(bytes[at...].prefix(16)), at: at)
            case 5: bytes.insert(contentsOf: Array(String(repeating: "[", count: 40).utf8), at: at)
            default: bytes.insert(contentsOf: Array(#""\u0000\ud800","#.utf8), at: at)
            }
        }
        return bytes
    }
}

/// A small seeded generator, so that a failing run can be repeated.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
