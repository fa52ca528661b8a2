import Foundation
import Glibc

/// A TCP connection on plain sockets, for what no HTTP or WebSocket client will do on purpose: half a request head,
/// a body a byte at a time, an unmasked frame, a connection from another loopback address (all of 127/8 is
/// loopback on Linux, so a test can be many clients). Non-blocking underneath, every wait bounded; the blocking
/// waits run on threads of their own (`onThread`), never on the cooperative pool the agent under test needs.
final class RawConnection: @unchecked Sendable {
    enum Reception: Equatable {
        case bytes([UInt8])
        case closed
        case timedOut
    }

    let descriptor: Int32

    /// Connects to 127.0.0.1:`port` from `source`; waits at most `timeout` for the handshake (a full accept queue
    /// drops SYNs), and keeps the socket either way.
    init(port: Int, from source: String = "127.0.0.1", timeout: Duration = .seconds(2)) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw AgentTestError("socket: errno \(errno)") }
        var local = Self.address(source, port: 0)
        var remote = Self.address("127.0.0.1", port: port)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw AgentTestError("bind \(source): errno \(errno)")
        }
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 && errno != EINPROGRESS {
            close(descriptor)
            throw AgentTestError("connect: errno \(errno)")
        }
        if connected != 0 { _ = wait(for: Int16(POLLOUT), timeout: timeout) }
    }

    deinit { close(descriptor) }

    private static func address(_ text: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(text)
        return address
    }

    /// False when the peer is gone (or the socket buffer is full, which these tests never fill).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// What arrives within `timeout`: some bytes, the end of the connection, or nothing.
    func receive(timeout: Duration) -> Reception {
        guard wait(for: Int16(POLLIN), timeout: timeout) else { return .timedOut }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 { return .bytes(Array(buffer[..<count])) }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .bytes([]) }
        return .closed
    }

    /// Reads until `condition` holds for what arrived, the connection ends, or `timeout` passes; returns everything.
    func receive(until condition: ([UInt8]) -> Bool, timeout: Duration) -> (bytes: [UInt8], closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        while !condition(received) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return (received, false) }
            switch receive(timeout: left) {
            case .bytes(let bytes): received += bytes
            case .closed: return (received, true)
            case .timedOut: return (received, false)
            }
        }
        return (received, false)
    }

    /// Whether the agent closed the connection within `timeout` (whatever it sent before is read and dropped).
    func closedByPeer(within timeout: Duration) -> Bool {
        receive(until: { _ in false }, timeout: timeout).closed
    }

    private func wait(for events: Int16, timeout: Duration) -> Bool {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        let milliseconds = Int32(max(0, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        while true {
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            return ready > 0
        }
    }

    /// Runs blocking socket work on a thread of its own and awaits its result.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Raises this process's soft open-file limit to the hard one: a flood test holds more sockets than the
    /// usual soft limit of 1024.
    static func raiseOpenFileLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return UInt64(limit.rlim_cur)
    }
}

/// What a raw WebSocket client needs: the upgrade request, masked frames, and the server's close frame.
enum RawWebSocket {
    static func upgradeRequest(port: Int, origin: String? = nil) -> String {
        var request = "GET /3dp/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let origin { request += "Origin: \(origin)\r\n" }
        return request + "\r\n"
    }

    /// Opens a WebSocket on `connection`; true when the agent answered 101.
    static func open(_ connection: RawConnection, port: Int, origin: String? = nil) -> (upgraded: Bool, head: String) {
        connection.send(upgradeRequest(port: port, origin: origin))
        let (bytes, _) = connection.receive(until: { $0.count >= 4 && $0.suffix(4) == Array("\r\n\r\n".utf8) }, timeout: .seconds(5))
        let head = String(decoding: bytes, as: UTF8.self)
        return (head.hasPrefix("HTTP/1.1 101"), head)
    }

    /// One frame as a client sends it: masked unless told otherwise.
    static func frame(opcode: UInt8, _ payload: [UInt8], fin: Bool = true, masked: Bool = true) -> [UInt8] {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            frame.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame.append(maskBit | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(maskBit | 127)
            frame += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        guard masked else { return frame + payload }
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame += key
        frame += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        return frame
    }

    static func text(_ text: String, masked: Bool = true) -> [UInt8] { frame(opcode: 1, Array(text.utf8), masked: masked) }

    /// The whole frames among `bytes` (server frames are unmasked), as opcode and payload.
    static func frames(in bytes: [UInt8]) -> [(opcode: UInt8, payload: [UInt8])] {
        var frames: [(opcode: UInt8, payload: [UInt8])] = []
        var index = 0
        while index + 2 <= bytes.count {
            var length = Int(bytes[index + 1] & 0x7F)
            var header = 2
            if length == 126 {
                guard index + 4 <= bytes.count else { break }
                length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
                header = 4
            } else if length == 127 {
                guard index + 10 <= bytes.count else { break }
                length = bytes[(index + 2)..<(index + 10)].reduce(0) { $0 << 8 | Int($1) }
                header = 10
            }
            guard index + header + length <= bytes.count else { break }
            frames.append((bytes[index] & 0x0F, Array(bytes[(index + header)..<(index + header + length)])))
            index += header + length
        }
        return frames
    }

    /// The close code and reason of the first close frame among `bytes`, if any.
    static func closeFrame(in bytes: [UInt8]) -> (code: Int, reason: String)? {
        guard let payload = frames(in: bytes).first(where: { $0.opcode == 8 })?.payload else { return nil }
        guard payload.count >= 2 else { return (1005, "") }
        return (Int(payload[0]) << 8 | Int(payload[1]), String(decoding: payload[2...], as: UTF8.self))
    }

    /// The text messages among `bytes`.
    static func texts(in bytes: [UInt8]) -> [String] {
        frames(in: bytes).filter { $0.opcode == 1 }.map { String(decoding: $0.payload, as: UTF8.self) }
    }
}
