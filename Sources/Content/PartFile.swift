import Digest
import Foundation

/// The `<job>.part` file a download streams into, with the running SHA-256 of its bytes: plain write(2) loops,
/// so the hot path is a hash update and a system call per received buffer. One download owns it; the connection's
/// event loop writes to it only while that download awaits the response, so the two never touch it at once.
final class PartFile: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private(set) var length: Int64
    private var hash: SHA256Stream

    /// Opens (creating) the part file for appending after its current bytes, which are hashed first.
    init(path: String) throws(ContentError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.failure(errno, "cannot open \(path)") }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            _ = close(descriptor)
            throw Self.failure(code, "cannot read the size of \(path)")
        }
        let length = (info.st_mode & S_IFMT) == S_IFREG ? Int64(info.st_size) : 0
        var hash = SHA256Stream()
        if length > 0 {
            do { try Self.hash(firstBytes: length, of: path, into: &hash) } catch {
                _ = close(descriptor)
                throw error
            }
        }
        if length > 0 { _ = lseek(descriptor, off_t(length), SEEK_SET) }
        self.path = path
        self.descriptor = descriptor
        self.length = length
        self.hash = hash
    }

    deinit { _ = close(descriptor) }

    /// The size of the file at `path`, nil when there is none (a link to a device counts as empty).
    static func existingLength(at path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_mode & S_IFMT) == S_IFREG ? Int64(info.st_size) : 0
    }

    /// Hashes and writes every byte, through short writes and interrupted calls.
    func append(_ bytes: UnsafeRawBufferPointer) throws(ContentError) {
        guard var next = bytes.baseAddress else { return }
        hash.update(bytes)
        var remaining = bytes.count
        while remaining > 0 {
            let written = write(descriptor, next, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure(errno, "cannot write to \(path)")
            }
            next += written
            remaining -= written
        }
        length += Int64(bytes.count)
    }

    /// Reserves the disk blocks up to `size` without changing the file's length, so that the length still says how
    /// much was written (a resume trusts it). ext4 then maps each written block to an extent it already has instead
    /// of reserving it: a third less CPU for the writes of a GiB, and less for the fsync. Best effort: a file
    /// system without it, or a full disk, is left to the writes themselves to report.
    func reserve(upTo size: Int64) {
        guard size > length, let fallocate = Self.fallocate else { return }
        _ = fallocate(descriptor, Self.keepSize, off_t(length), off_t(size - length))
    }

    /// FALLOC_FL_KEEP_SIZE of linux/falloc.h.
    private static let keepSize: Int32 = 0x01

    /// fallocate(2) is not part of Swift's Glibc module (it is behind _GNU_SOURCE): it is looked up in the C library.
    private nonisolated(unsafe) static let fallocate: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32)? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "fallocate") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32).self)
    }()

    /// Back to an empty file, for a download that starts over.
    func truncate() throws(ContentError) {
        guard ftruncate(descriptor, 0) == 0, lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw Self.failure(errno, "cannot empty \(path)")
        }
        length = 0
        hash.reset()
    }

    /// The SHA-256 of the bytes written so far.
    func digest() -> String {
        hash.digestSoFar()
    }

    func sync() throws(ContentError) {
        guard fsync(descriptor) == 0 else { throw Self.failure(errno, "cannot flush \(path) to disk") }
    }

    /// Feeds the first `count` bytes already on disk to `hash` (a resumed download hashes what it keeps).
    private static func hash(firstBytes count: Int64, of path: String, into hash: inout SHA256Stream) throws(ContentError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(errno, "cannot read \(path)") }
        defer { _ = close(descriptor) }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var left = count
        while left > 0 {
            let got = read(descriptor, buffer.baseAddress, Int(min(Int64(chunk), left)))
            if got < 0 {
                if errno == EINTR { continue }
                throw failure(errno, "cannot read \(path)")
            }
            guard got > 0 else { throw .downloadFailed("\(path) became shorter while it was being read") }
            hash.update(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            left -= Int64(got)
        }
    }

    /// `rename` into place, then the directory flushed so the new name survives a power cut.
    static func moveIntoPlace(from partPath: String, to finalPath: String) throws(ContentError) {
        guard rename(partPath, finalPath) == 0 else { throw failure(errno, "cannot rename \(partPath) to \(finalPath)") }
        let directory = (finalPath as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(errno, "cannot open the spool directory \(directory)") }
        defer { _ = close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure(errno, "cannot flush the spool directory \(directory)") }
    }

    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// A full disk or quota is `spoolFull`; anything else is a failed download.
    static func failure(_ code: Int32, _ what: String) -> ContentError {
        let reason = String(cString: strerror(code))
        if code == ENOSPC || code == EDQUOT { return .spoolFull("\(what): \(reason)") }
        return .downloadFailed("\(what): \(reason)")
    }
}
