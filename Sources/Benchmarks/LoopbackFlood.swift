import Foundation
import Glibc

/// The hostile side of the endpoint's availability test (issue 14, finding 3), on plain non-blocking sockets in
/// one thread: connections that send nothing, slowloris heads (a header line every few seconds, never the end),
/// and POST bodies sent a byte every few seconds. Connections come from many loopback addresses (all of 127/8 is
/// loopback on Linux), as many clients would; one the agent closes is opened again, so the pressure holds.
struct LoopbackFlood {
    enum Kind: String, CaseIterable { case idle, slowloris, slowBody }

    struct Counts: Codable, Sendable {
        var opened = 0
        var failedToOpen = 0
        var closedByAgent = 0
        var heldAtEnd = 0
    }

    let port: Int
    let plan: [Kind: Int]
    /// 127.0.0.`first` … 127.0.0.`last`, used in turn.
    let sources: ClosedRange<Int>
    /// Between two header lines of a slowloris connection, two bytes of a slow body.
    let dribbleInterval: Duration
    /// How long after the agent closed a connection it is opened again (as a retrying client would; zero makes a
    /// connection-rate flood, which is a firewall's to limit, not the agent's).
    let reopenDelay: Duration

    private struct Connection {
        var kind: Kind
        var descriptor: Int32
        var nextSend: ContinuousClock.Instant
        var sent = 0
    }

    /// Runs until `end`, or until standard input ends when `stopOnEndOfInput` (a test stops it that way);
    /// calls `established` once every planned connection was attempted.
    func run(until end: ContinuousClock.Instant, stopOnEndOfInput: Bool = false, established: () -> Void) -> Counts {
        var counts = Counts()
        var nextSource = sources.lowerBound
        var connections: [Connection] = []
        var pendingReopens: [(at: ContinuousClock.Instant, kind: Kind)] = []
        func open(_ kind: Kind) {
            let source = "127.0.0.\(nextSource)"
            nextSource = nextSource == sources.upperBound ? sources.lowerBound : nextSource + 1
            guard let descriptor = Self.connect(port: port, from: source) else {
                counts.failedToOpen += 1
                return
            }
            counts.opened += 1
            connections.append(Connection(kind: kind, descriptor: descriptor, nextSend: .now))
        }
        for kind in Kind.allCases {
            for _ in 0..<(plan[kind] ?? 0) { open(kind) }
        }
        established()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < end {
            var descriptors = connections.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            if stopOnEndOfInput { descriptors.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&descriptors, nfds_t(descriptors.count), 100)
            if stopOnEndOfInput, descriptors[connections.count].revents != 0 {
                var byte: UInt8 = 0
                if read(0, &byte, 1) <= 0 { break }
            }
            var reopen: [Kind] = []
            var kept: [Connection] = []
            let now = ContinuousClock.now
            for (index, var connection) in connections.enumerated() {
                var alive = true
                if descriptors[index].revents != 0 {
                    let count = buffer.withUnsafeMutableBytes { recv(connection.descriptor, $0.baseAddress, $0.count, 0) }
                    if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { alive = false }
                }
                if alive, connection.kind != .idle, now >= connection.nextSend {
                    let chunk = Self.nextChunk(for: connection)
                    let written = chunk.withUnsafeBytes { send(connection.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if written < 0 && errno != EAGAIN && errno != EWOULDBLOCK { alive = false }
                    connection.sent += 1
                    connection.nextSend = now + dribbleInterval
                }
                if alive {
                    kept.append(connection)
                } else {
                    close(connection.descriptor)
                    counts.closedByAgent += 1
                    reopen.append(connection.kind)
                }
            }
            connections = kept
            pendingReopens += reopen.map { (now + reopenDelay, $0) }
            let due = pendingReopens.filter { $0.at <= now }
            pendingReopens.removeAll { $0.at <= now }
            for reopening in due { open(reopening.kind) }
        }
        counts.heldAtEnd = connections.count
        for connection in connections { close(connection.descriptor) }
        return counts
    }

    /// The first send is the start of a request; later ones a header line, or one byte of the body.
    private static func nextChunk(for connection: Connection) -> [UInt8] {
        switch (connection.kind, connection.sent) {
        case (.slowloris, 0): Array("POST /3dp/v1/rpc HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
        case (.slowloris, let n): Array("X-Padding-\(n): \(n)\r\n".utf8)
        case (.slowBody, 0):
            Array("POST /3dp/v1/rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n".utf8)
        default: [UInt8(ascii: " ")]
        }
    }

    private static func connect(port: Int, from source: String) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, size) } }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, size) } }
        guard bound == 0, connected == 0 || errno == EINPROGRESS else {
            close(descriptor)
            return nil
        }
        return descriptor
    }
}
