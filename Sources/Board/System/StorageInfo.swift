import Glibc

/// Space on the file system holding a path (the spool directory, where print files wait):
/// what `printer.attributes` reports as storage.
public struct StorageInfo: Sendable, Equatable, Codable {
    public var path: String
    public var totalBytes: UInt64
    /// Free to root, including the blocks reserved for it (5% on ext4 by default).
    public var freeBytes: UInt64
    /// Free to the agent's unprivileged user: what a spooled file can actually use.
    public var availableBytes: UInt64

    public init(path: String, totalBytes: UInt64, freeBytes: UInt64, availableBytes: UInt64) {
        self.path = path
        self.totalBytes = totalBytes
        self.freeBytes = freeBytes
        self.availableBytes = availableBytes
    }

    /// From statvfs's counts, which are in fragments (f_frsize); some file systems leave that 0
    /// and count in f_bsize. Sizes saturate rather than wrap.
    public init(
        path: String, fragmentSize: UInt64, blockSize: UInt64, blocks: UInt64, freeBlocks: UInt64,
        availableBlocks: UInt64
    ) {
        let unit = fragmentSize != 0 ? fragmentSize : blockSize
        func bytes(_ count: UInt64) -> UInt64 {
            let (product, overflow) = count.multipliedReportingOverflow(by: unit)
            return overflow ? .max : product
        }
        self.init(path: path, totalBytes: bytes(blocks), freeBytes: bytes(freeBlocks), availableBytes: bytes(availableBlocks))
    }

    public static func read(path: String) throws(SystemCallError) -> StorageInfo {
        var counts = statvfs()
        guard statvfs(path, &counts) == 0 else { throw SystemCallError(call: "statvfs(\(path))", errno: errno) }
        return StorageInfo(
            path: path, fragmentSize: UInt64(counts.f_frsize), blockSize: UInt64(counts.f_bsize),
            blocks: UInt64(counts.f_blocks), freeBlocks: UInt64(counts.f_bfree),
            availableBlocks: UInt64(counts.f_bavail))
    }
}
