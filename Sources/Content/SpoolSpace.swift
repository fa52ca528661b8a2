import Foundation

/// The space arithmetic done before a download asks for a single content byte.
public enum SpoolSpace {
    /// `nil` when the content fits: the file system keeps `reserveBytes` free after the missing bytes are written,
    /// and the spool's regular files (not counting this job's part) plus the content stay within the quota.
    public static func refusal(size: Int64, partBytes: Int64, freeBytes: Int64, reserveBytes: Int64,
                               quotaBytes: Int64?, spoolBytesOtherThanPart: Int64) -> ContentError? {
        let missing = max(0, size - max(0, partBytes))
        let needed = missing.addingReportingOverflow(max(0, reserveBytes))
        if needed.overflow || needed.partialValue > freeBytes {
            return .spoolFull("\(missing) more bytes are needed and \(reserveBytes) must stay free, "
                              + "but the file system has \(freeBytes) bytes free")
        }
        if let quotaBytes {
            let total = spoolBytesOtherThanPart.addingReportingOverflow(size)
            if total.overflow || total.partialValue > quotaBytes {
                return .quotaExceeded("the spool holds \(spoolBytesOtherThanPart) bytes, the content is \(size) bytes "
                                      + "and the quota is \(quotaBytes) bytes")
            }
        }
        return nil
    }

    /// Bytes available to an unprivileged writer on the file system holding `directory`.
    static func freeBytes(at directory: String) throws(ContentError) -> Int64 {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else {
            throw .spoolFull("cannot read the free space of \(directory): \(String(cString: strerror(errno)))")
        }
        let (bytes, overflow) = Int64(stats.f_bavail).multipliedReportingOverflow(by: Int64(stats.f_frsize))
        return overflow ? .max : bytes
    }

    /// The sizes of the regular files directly in `directory`, leaving out `excluding` (this job's part file).
    static func regularFileBytes(in directory: String, excluding: String) -> Int64 {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        let excludedName = (excluding as NSString).standardizingPath
        var total: Int64 = 0
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            if (path as NSString).standardizingPath == excludedName { continue }
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            total += Int64(info.st_size)
        }
        return total
    }
}
