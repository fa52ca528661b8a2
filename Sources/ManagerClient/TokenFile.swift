import Foundation
import Glibc

/// The file system side of `ClientTokenStore`: whole-file reads and crash-safe, owner-only replacement.
enum TokenFile {
    /// The file's bytes, nil when it does not exist.
    static func read(_ path: String) throws(ClientTokenStoreError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw .system(operation: "open", path: path, errno: errno)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "read", path: path, errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    /// Replaces the file with `bytes`: owner-only directory (0700), temporary file beside it created 0600,
    /// fsync, rename over the old file, fsync the directory so the rename survives a power cut.
    static func replace(_ path: String, with bytes: [UInt8]) throws(ClientTokenStoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        try prepareDirectory(directory)
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"

        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .system(operation: "create", path: temporary, errno: errno) }
        do throws(ClientTokenStoreError) {
            // The umask can only narrow 0600; make it exact anyway.
            guard fchmod(descriptor, 0o600) == 0 else { throw .system(operation: "chmod", path: temporary, errno: errno) }
            try writeAll(bytes, to: descriptor, path: temporary)
            guard fsync(descriptor) == 0 else { throw .system(operation: "fsync", path: temporary, errno: errno) }
            let closed = close(descriptor)
            descriptor = -1
            guard closed == 0 else { throw .system(operation: "close", path: temporary, errno: errno) }
            guard rename(temporary, path) == 0 else { throw .system(operation: "rename", path: path, errno: errno) }
        } catch {
            if descriptor >= 0 { close(descriptor) }
            unlink(temporary)
            throw error
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else { throw .system(operation: "open", path: directory, errno: errno) }
        defer { close(directoryDescriptor) }
        guard fsync(directoryDescriptor) == 0 else { throw .system(operation: "fsync", path: directory, errno: errno) }
    }

    /// Creates the directory and missing parents owner-only (0700). An existing directory is left as it is: a
    /// path chosen by the user may point into a directory that is not only ours.
    private static func prepareDirectory(_ directory: String) throws(ClientTokenStoreError) {
        var status = stat()
        if stat(directory, &status) == 0 { return }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .system(operation: "create directory", path: directory, errno: errno == 0 ? EIO : errno)
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(ClientTokenStoreError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "write", path: path, errno: errno)
            }
            offset += written
        }
    }
}
