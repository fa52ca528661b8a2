import Foundation
import Glibc

/// Tells when the agent's database may have changed, whichever process changed it: inotify on its directory for
/// writes to the database file and its `-wal` (in WAL mode every commit appends to the `-wal` file, so another
/// process's commit is seen within milliseconds; GRDB's own observation sees only this process's writes), plus a
/// look every `fallbackInterval` in case an event was missed or inotify is unavailable. A database in memory (no
/// path) has only the fallback looks. A dedicated thread waits in `poll(2)`, so no cooperative thread is ever
/// blocked; it ends when the stream's consumer goes away.
struct DatabaseFileWatch: Sendable {
    /// The directory that holds the database; nil for a database in memory.
    let directory: String?
    let fileNames: Set<String>
    var fallbackInterval: Duration = .seconds(5)

    init(databasePath: String?, fallbackInterval: Duration = .seconds(5)) {
        if let databasePath {
            let file = URL(fileURLWithPath: databasePath)
            directory = file.deletingLastPathComponent().path
            fileNames = [file.lastPathComponent, file.lastPathComponent + "-wal"]
        } else {
            directory = nil
            fileNames = []
        }
        self.fallbackInterval = fallbackInterval
    }

    /// One element per change seen (or per fallback interval); consecutive changes may be merged into one. The
    /// watch is in place when this returns: a change made afterwards is never missed.
    func changes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        var wake: [Int32] = [-1, -1]
        guard pipe(&wake) == 0 else {
            continuation.finish()
            return stream
        }
        var created = directory == nil ? -1 : inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        let mask = UInt32(IN_MODIFY | IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM)
        if created >= 0, let directory, inotify_add_watch(created, directory, mask) < 0 {
            close(created)
            created = -1
        }
        let notify = created
        _ = fcntl(wake[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(wake[1], F_SETFD, FD_CLOEXEC)
        let stopWriter = wake[1]
        continuation.onTermination = { _ in
            var byte: UInt8 = 1
            _ = write(stopWriter, &byte, 1)
        }
        let watch = self
        let stopReader = wake[0]
        Thread {
            watch.loop(notify: notify, stopReader: stopReader, continuation: continuation)
            if notify >= 0 { close(notify) }
            close(stopReader)
            close(stopWriter)
        }.start()
        return stream
    }

    /// `notify` is -1 when inotify could not be set up (or there is no file): then only the fallback looks remain.
    private func loop(notify: Int32, stopReader: Int32, continuation: AsyncStream<Void>.Continuation) {
        let timeout = Int32(fallbackInterval.components.seconds * 1000
                            + fallbackInterval.components.attoseconds / 1_000_000_000_000_000)
        var descriptors = [pollfd(fd: stopReader, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: notify, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            let ready = poll(&descriptors, nfds_t(notify >= 0 ? 2 : 1), timeout)
            if ready < 0 && errno != EINTR { return }
            if descriptors[0].revents != 0 {
                continuation.finish()
                return
            }
            if ready == 0 {
                continuation.yield()
                continue
            }
            if descriptors[1].revents != 0, readEvents(notify, into: &buffer) {
                continuation.yield()
            }
        }
    }

    /// Drains the inotify queue; true when an event named the database or its `-wal` (or the queue overflowed).
    private func readEvents(_ notify: Int32, into buffer: inout [UInt8]) -> Bool {
        var relevant = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(notify, $0.baseAddress, $0.count) }
            if count <= 0 { return relevant }
            var offset = 0
            let headerSize = MemoryLayout<inotify_event>.size
            while offset + headerSize <= count {
                let (mask, length) = buffer.withUnsafeBytes { raw in
                    (raw.load(fromByteOffset: offset + 4, as: UInt32.self), Int(raw.load(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { relevant = true }
                let nameBytes = buffer[(offset + headerSize)..<min(count, offset + headerSize + length)]
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                if fileNames.contains(name) { relevant = true }
                offset += headerSize + length
            }
        }
    }
}
