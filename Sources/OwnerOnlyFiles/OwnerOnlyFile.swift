import Foundation
import Glibc

/// Small files that only their owner may read (the agent's TLS key and certificate, the Manager client's tokens):
/// read whole, and replaced so that no one else can read them and a power cut leaves the old file or the new one.
public enum OwnerOnlyFile {
    /// The file's bytes, nil when it does not exist. Reading stops once more than `limit` bytes are in, so that
    /// a caller refusing a file too large for what it holds need not read all of it.
    public static func read(_ path: String, limit: Int = .max) throws(FileSystemFailure) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw FileSystemFailure(operation: "open", path: path, errno: errno)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemFailure(operation: "read", path: path, errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }

    /// Writes `bytes` to a temporary file beside `path`, created 0600, fsyncs it and renames it over `path`, then
    /// fsyncs the directory so that the rename survives a power cut. The directory must exist.
    public static func replace(_ path: String, with bytes: some Collection<UInt8>) throws(FileSystemFailure) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileSystemFailure(operation: "create", path: temporary, errno: errno) }
        do throws(FileSystemFailure) {
            // The umask can only narrow 0600; make it exact anyway.
            guard fchmod(descriptor, 0o600) == 0 else { throw FileSystemFailure(operation: "chmod", path: temporary, errno: errno) }
            try writeAll(Array(bytes), to: descriptor, path: temporary)
            guard fsync(descriptor) == 0 else { throw FileSystemFailure(operation: "fsync", path: temporary, errno: errno) }
            let closed = close(descriptor)
            descriptor = -1
            guard closed == 0 else { throw FileSystemFailure(operation: "close", path: temporary, errno: errno) }
            guard rename(temporary, path) == 0 else { throw FileSystemFailure(operation: "rename", path: path, errno: errno) }
        } catch {
            if descriptor >= 0 { close(descriptor) }
            unlink(temporary)
            throw error
        }
        try syncDirectory(directory)
    }

    /// Makes the directory's entries (a rename, a new file) durable.
    public static func syncDirectory(_ directory: String) throws(FileSystemFailure) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemFailure(operation: "open", path: directory, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileSystemFailure(operation: "fsync", path: directory, errno: errno) }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(FileSystemFailure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemFailure(operation: "write", path: path, errno: errno)
            }
            offset += written
        }
    }
}

/// A system call on a file that failed; each caller turns it into its own error, which says what the file was.
public struct FileSystemFailure: Error, Sendable, Equatable {
    public var operation: String
    public var path: String
    public var errno: Int32
}
