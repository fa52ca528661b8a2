import Foundation
import Glibc

/// Which version of `tokens.json` is on disk: every atomic write renames a new inode into place, so another
/// process's write (`3dp-agent pair --revoke` while the daemon runs) shows up as a changed identity.
struct TokenFileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedSeconds = Int(status.st_mtim.tv_sec)
        modifiedNanoseconds = Int(status.st_mtim.tv_nsec)
    }
}

/// The file system side of the token store: reads, crash-safe writes, and a lock shared with other processes.
struct TokenFileIO: Sendable {
    static let fileName = "tokens.json"
    static let lockFileName = "tokens.lock"

    let directory: String
    let path: String
    private let temporaryPath: String
    private let lockPath: String

    init(directory: String) {
        self.directory = directory
        path = directory + "/" + Self.fileName
        // One temporary name per process is enough: writes inside a process are serialised, across processes
        // they hold the lock file.
        temporaryPath = directory + "/." + Self.fileName + ".\(getpid()).tmp"
        lockPath = directory + "/" + Self.lockFileName
    }

    /// Creates the state directory (owner-only) when it is missing.
    func prepareDirectory() throws(AccessTokenStoreError) {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw .system(operation: "use as state directory", path: directory, errno: ENOTDIR)
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .system(operation: "create state directory", path: directory, errno: errno == 0 ? EIO : errno)
        }
    }

    func currentIdentity() throws(AccessTokenStoreError) -> TokenFileIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw .system(operation: "stat", path: path, errno: errno)
        }
        return TokenFileIdentity(status)
    }

    /// The file's bytes and the identity of exactly the version they came from; nil when there is no file yet.
    func read() throws(AccessTokenStoreError) -> (data: Data, identity: TokenFileIdentity)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw .system(operation: "open", path: path, errno: errno)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system(operation: "fstat", path: path, errno: errno) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "read", path: path, errno: errno)
            }
            data.append(contentsOf: chunk[0..<count])
        }
        return (data, TokenFileIdentity(status))
    }

    /// Replaces the file so that after a crash or power cut it is either the old or the new version, whole:
    /// temporary file in the same directory (mode 0600), fsync, rename over, fsync the directory entry.
    func write(_ data: Data) throws(AccessTokenStoreError) -> TokenFileIdentity {
        var descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 && errno == EEXIST {
            // Left behind by a crash of an earlier process with our pid.
            unlink(temporaryPath)
            descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else { throw .system(operation: "create", path: temporaryPath, errno: errno) }
        do throws(AccessTokenStoreError) {
            // The umask can only narrow 0600, but make the mode exact whatever it was.
            guard fchmod(descriptor, 0o600) == 0 else {
                throw .system(operation: "chmod", path: temporaryPath, errno: errno)
            }
            try writeAll(data, to: descriptor)
            guard fsync(descriptor) == 0 else { throw .system(operation: "fsync", path: temporaryPath, errno: errno) }
            guard close(descriptor) == 0 else {
                descriptor = -1
                throw .system(operation: "close", path: temporaryPath, errno: errno)
            }
            descriptor = -1
            guard rename(temporaryPath, path) == 0 else {
                throw .system(operation: "rename", path: path, errno: errno)
            }
        } catch {
            if descriptor >= 0 { close(descriptor) }
            unlink(temporaryPath)
            throw error
        }
        try syncDirectory()
        guard let identity = try currentIdentity() else {
            throw .system(operation: "stat", path: path, errno: ENOENT)
        }
        return identity
    }

    /// Runs `body` holding an exclusive `flock` on `tokens.lock`, so the daemon and a `3dp-agent pair` command
    /// never interleave their read-modify-write. With `wait: false` it gives up (returns nil) when the lock is busy.
    func withExclusiveLock<T>(
        wait: Bool = true, _ body: () throws(AccessTokenStoreError) -> T
    ) throws(AccessTokenStoreError) -> T? {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .system(operation: "open", path: lockPath, errno: errno) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK && !wait { return nil }
            throw .system(operation: "lock", path: lockPath, errno: errno)
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    private func writeAll(_ data: Data, to descriptor: Int32) throws(AccessTokenStoreError) {
        let failure: Int32? = data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw .system(operation: "write", path: temporaryPath, errno: failure) }
    }

    private func syncDirectory() throws(AccessTokenStoreError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(operation: "open", path: directory, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .system(operation: "fsync", path: directory, errno: errno) }
    }
}
