#if canImport(Glibc)
import Glibc
#endif

/// Finds which process holds the flock on a port, from the kernel's lock table (/proc/locks), so that
/// "port in use" can name the process to stop.
enum PortLockHolder {
    /// The file a lock is on, as /proc/locks names it: the filesystem's device numbers and the inode.
    struct FileIdentity: Equatable, Sendable {
        var major: UInt32
        var minor: UInt32
        var inode: UInt64
    }

    /// The pid holding an flock on `identity`, read from `table` (the text of /proc/locks).
    ///
    /// A line reads `1: FLOCK  ADVISORY  WRITE 4242 00:19:7 0 EOF`; the device numbers are hex, the
    /// inode decimal. Lines with `->` are processes waiting for a lock, not holding it. A pid of -1 or 0
    /// (a holder outside this pid namespace) is no answer.
    static func holder(of identity: FileIdentity, in table: String) -> Int32? {
        for line in table.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 6, fields[1] == "FLOCK" else { continue }
            guard let pid = Int32(fields[4]), pid > 0 else { continue }
            let file = fields[5].split(separator: ":")
            guard file.count == 3,
                  let major = UInt32(file[0], radix: 16),
                  let minor = UInt32(file[1], radix: 16),
                  let inode = UInt64(file[2])
            else { continue }
            if FileIdentity(major: major, minor: minor, inode: inode) == identity {
                return pid
            }
        }
        return nil
    }

    /// The identity of the file `path` names, as /proc/locks would print it.
    static func identity(ofFileAt path: String) -> FileIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let (major, minor) = deviceNumbers(UInt64(status.st_dev))
        return FileIdentity(major: major, minor: minor, inode: UInt64(status.st_ino))
    }

    /// glibc's dev_t encoding (gnu_dev_major / gnu_dev_minor), which Swift does not import as macros.
    static func deviceNumbers(_ device: UInt64) -> (major: UInt32, minor: UInt32) {
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        return (UInt32(truncatingIfNeeded: major), UInt32(truncatingIfNeeded: minor))
    }

    /// Looks the holder of `path` up in /proc/locks; nil when it cannot be told cheaply.
    static func holder(ofPortAt path: String) -> Int32? {
        guard let identity = identity(ofFileAt: path), let table = readSmallFile("/proc/locks") else {
            return nil
        }
        return holder(of: identity, in: table)
    }

    /// Reads a procfs file (which reports size 0, so it is read until EOF), giving up past 1 MiB.
    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
