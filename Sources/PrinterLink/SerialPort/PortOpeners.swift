#if canImport(Glibc)
import Glibc
#endif

/// Finds another process that has a port open, from /proc/<pid>/fd. It tells a live exclusive user of a tty from
/// an exclusive flag left behind: TIOCEXCL stays set on a pseudo-terminal after a process that set it was
/// killed (its other end is still open, so the tty is never released), and would keep the port shut for good.
enum PortOpeners {
    /// The first process with a descriptor on the device `path` names (compared by device number, so links and
    /// /dev/serial/by-id names count) other than `ownDescriptor` of this process; nil when there is none or /proc
    /// cannot be read.
    static func otherOpener(ofDeviceAt path: String, besides ownDescriptor: Int32) -> Int32? {
        var target = stat()
        guard stat(path, &target) == 0, (target.st_mode & S_IFMT) == S_IFCHR else { return nil }
        guard let processes = opendir("/proc") else { return nil }
        defer { closedir(processes) }
        let own = getpid()
        while let entry = readdir(processes) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = Int32(name) else { continue }
            if holdsDevice(pid: pid, device: target.st_rdev, except: pid == own ? ownDescriptor : nil) { return pid }
        }
        return nil
    }

    private static func holdsDevice(pid: Int32, device: dev_t, except skipped: Int32?) -> Bool {
        let directory = "/proc/\(pid)/fd"
        guard let descriptors = opendir(directory) else { return false }
        defer { closedir(descriptors) }
        while let entry = readdir(descriptors) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let number = Int32(name), number != skipped else { continue }
            var info = stat()
            if stat("\(directory)/\(name)", &info) == 0, (info.st_mode & S_IFMT) == S_IFCHR, info.st_rdev == device {
                return true
            }
        }
        return false
    }
}
