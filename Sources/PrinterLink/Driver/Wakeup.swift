#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe the link's poll loop watches, so that other threads can hand it work without a busy wait.
/// (Glibc's Swift module does not export eventfd.)
final class Wakeup: Sendable {
    let descriptor: Int32
    private let writeEnd: Int32

    init() {
        var ends: [Int32] = [0, 0]
        precondition(pipe(&ends) == 0, "pipe failed: \(errno)")
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        Glibc.close(descriptor)
        Glibc.close(writeEnd)
    }

    func signal() {
        var byte: UInt8 = 1
        _ = Glibc.write(writeEnd, &byte, 1)
    }

    func drain() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while Glibc.read(descriptor, &scratch, scratch.count) > 0 {}
    }
}
