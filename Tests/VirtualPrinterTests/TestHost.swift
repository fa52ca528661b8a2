import GCode
import Glibc
import VirtualPrinter

/// A minimal host on the far end of the pseudo-terminal: opens the port, writes lines, reads reply lines.
final class TestHost {
    enum ReadError: Error, Equatable {
        case timedOut
        /// The port failed: EOF, EIO or a hang-up, as when the cable is pulled.
        case portClosed
    }

    let descriptor: Int32
    private var pending: [UInt8] = []
    private var pendingStart = 0

    init(path: String) throws {
        descriptor = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw VirtualPrinterError("open \(path)") }
    }

    deinit {
        close(descriptor)
    }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count > 0 {
                    offset += count
                } else if errno == EAGAIN {
                    var descriptor = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&descriptor, 1, 1000)
                } else {
                    return
                }
            }
        }
    }

    func send(_ text: String) {
        write(Array(text.utf8))
    }

    func send(_ number: Int, _ command: String) {
        write(HostLine.format(number: number, command: command))
    }

    /// Reads whatever is available within `timeout` seconds into the pending bytes.
    @discardableResult
    func fill(timeout: Double) throws -> Int {
        var descriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(0, timeout * 1000)))
        if ready == 0 { throw ReadError.timedOut }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = read(self.descriptor, &buffer, buffer.count)
        if count > 0 {
            if pendingStart > 0 {
                pending.removeFirst(pendingStart)
                pendingStart = 0
            }
            pending.append(contentsOf: buffer[0..<count])
            return count
        }
        if count < 0, errno == EAGAIN { return 0 }
        throw ReadError.portClosed
    }

    /// The next reply line, waiting at most `timeout` seconds for it.
    func readLine(timeout: Double = 10) throws -> String {
        let deadline = now() + timeout
        while true {
            if let end = pending[pendingStart...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pendingStart..<end], as: UTF8.self)
                pendingStart = end + 1
                return line
            }
            try fill(timeout: deadline - now())
        }
    }

    /// Reply lines up to and including the first that satisfies `last`.
    func readLines(timeout: Double = 10, through last: (String) -> Bool) throws -> [String] {
        let deadline = now() + timeout
        var lines: [String] = []
        while true {
            let line = try readLine(timeout: deadline - now())
            lines.append(line)
            if last(line) { return lines }
        }
    }

    /// Counts `ok` lines in what is available, for the throughput test, without building Strings.
    func countOKs(timeout: Double) throws -> Int {
        try fill(timeout: timeout)
        var oks = 0
        var index = pendingStart
        var lineStart = pendingStart
        while index < pending.count {
            if pending[index] == UInt8(ascii: "\n") {
                if index - lineStart >= 2, pending[lineStart] == UInt8(ascii: "o"),
                   pending[lineStart + 1] == UInt8(ascii: "k") {
                    oks += 1
                }
                lineStart = index + 1
            }
            index += 1
        }
        pendingStart = lineStart
        return oks
    }

    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
