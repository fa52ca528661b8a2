import Foundation
import Testing
@testable import Board

/// /proc/meminfo of a Raspberry Pi 4 (4 GB, Raspberry Pi OS bookworm, kernel 6.6), first lines.
private let piMeminfo = """
    MemTotal:        3885396 kB
    MemFree:         2764212 kB
    MemAvailable:    3476848 kB
    Buffers:           45280 kB
    Cached:           713376 kB
    SwapCached:            0 kB
    Active:           354508 kB
    Inactive:         574020 kB
    SwapTotal:        204796 kB
    SwapFree:         204796 kB
    HugePages_Total:       0
    Hugepagesize:       2048 kB

    """

/// A 3.10 kernel (OctoPi's oldest images ran 3.x kernels on a Pi 1), before MemAvailable.
private let oldKernelMeminfo = """
    MemTotal:         445804 kB
    MemFree:          200000 kB
    Buffers:           10000 kB
    Cached:            50000 kB
    SwapCached:            0 kB
    """

@Suite("Memory and storage")
struct SystemMemoryStorageTests {
    @Test func parsesAPiMeminfo() throws {
        let memory = try MemoryInfo(meminfo: piMeminfo)
        #expect(memory == MemoryInfo(
            totalBytes: 3_885_396 * 1024, availableBytes: 3_476_848 * 1024, freeBytes: 2_764_212 * 1024))
    }

    @Test func estimatesAvailableMemoryOnKernelsWithoutMemAvailable() throws {
        let memory = try MemoryInfo(meminfo: oldKernelMeminfo)
        #expect(memory.availableBytes == (200_000 + 10_000 + 50_000) * 1024)
        #expect(memory.totalBytes == 445_804 * 1024)
    }

    @Test(arguments: ["", "SwapTotal: 0 kB\n", "MemTotal: 100 kB\n", "MemTotal: lots\nMemFree: 1 kB\n"])
    func refusesAMeminfoWithoutTotalOrFree(text: String) {
        #expect(throws: SystemFileFormatError.self) { try MemoryInfo(meminfo: text) }
    }

    @Test func readsThisMachinesMemory() throws {
        let memory = try MemoryInfo.read()
        #expect(memory.totalBytes > 16 * 1024 * 1024)
        #expect(memory.availableBytes <= memory.totalBytes)
        #expect(memory.freeBytes <= memory.totalBytes)
        // sysinfo(2)'s totalram is the same kernel counter MemTotal prints.
        #expect(UInt64(sysconf(Int32(_SC_PHYS_PAGES))) * UInt64(sysconf(Int32(_SC_PAGESIZE))) == memory.totalBytes)
    }

    @Test func readsAMeminfoFixtureUnderAGivenRoot() throws {
        let proc = try SystemFixtureTree(texts: ["meminfo": piMeminfo])
        defer { proc.remove() }
        #expect(try MemoryInfo.read(procRoot: proc.path).totalBytes == 3_885_396 * 1024)
    }

    @Test func failsWhenMeminfoIsMissing() throws {
        let proc = try SystemFixtureTree(files: [:])
        defer { proc.remove() }
        #expect(throws: SystemFileFormatError.self) { try MemoryInfo.read(procRoot: proc.path) }
    }

    @Test(arguments: [
        // A 32 GB SD card's ext4 root (4 KiB blocks, blocks reserved for root); counts in 512-byte
        // blocks with f_frsize left 0 (the f_bsize fallback); a product past 2^64 bytes.
        (UInt64(4096), UInt64(4096), UInt64(7_562_368), UInt64(6_000_000), UInt64(5_621_000),
         StorageInfo(path: "/", totalBytes: 30_975_459_328, freeBytes: 24_576_000_000, availableBytes: 23_023_616_000)),
        (0, 512, 1_048_576, 900_000, 900_000,
         StorageInfo(path: "/", totalBytes: 536_870_912, freeBytes: 460_800_000, availableBytes: 460_800_000)),
        (1 << 40, 4096, 1 << 30, 0, 0,
         StorageInfo(path: "/", totalBytes: .max, freeBytes: 0, availableBytes: 0)),
    ] as [(UInt64, UInt64, UInt64, UInt64, UInt64, StorageInfo)])
    func convertsStatvfsCountsToBytes(
        fragment: UInt64, block: UInt64, blocks: UInt64, free: UInt64, available: UInt64, expected: StorageInfo
    ) {
        let storage = StorageInfo(
            path: "/", fragmentSize: fragment, blockSize: block, blocks: blocks, freeBlocks: free,
            availableBlocks: available)
        #expect(storage == expected)
    }

    @Test func readsThisMachinesTemporaryDirectory() throws {
        let path = NSTemporaryDirectory()
        let storage = try StorageInfo.read(path: path)
        #expect(storage.path == path)
        #expect(storage.totalBytes > 0)
        #expect(storage.availableBytes <= storage.freeBytes)
        #expect(storage.freeBytes <= storage.totalBytes)
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: path)
        #expect((attributes[.systemSize] as? NSNumber)?.uint64Value == storage.totalBytes)
    }

    @Test func failsForAPathThatDoesNotExist() {
        #expect(throws: SystemCallError(call: "statvfs(/nonexistent/spool)", errno: ENOENT)) {
            try StorageInfo.read(path: "/nonexistent/spool")
        }
    }
}
