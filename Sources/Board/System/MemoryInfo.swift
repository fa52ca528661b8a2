/// The board's RAM, from /proc/meminfo: what `printer.attributes` reports as memory.
public struct MemoryInfo: Sendable, Equatable, Codable {
    public var totalBytes: UInt64
    /// What can be allocated without swapping: MemAvailable, the kernel's own estimate.
    public var availableBytes: UInt64
    /// Entirely unused; far below `availableBytes` on a board whose page cache holds G-code.
    public var freeBytes: UInt64

    public init(totalBytes: UInt64, availableBytes: UInt64, freeBytes: UInt64) {
        self.totalBytes = totalBytes
        self.availableBytes = availableBytes
        self.freeBytes = freeBytes
    }

    /// Parses the text of /proc/meminfo (`MemTotal:  3885396 kB` lines; the kernel's "kB" is KiB).
    /// Kernels before 3.14 have no MemAvailable; their estimate is free + buffers + page cache.
    public init(meminfo text: String) throws(SystemFileFormatError) {
        var fields: [Substring: UInt64] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let words = line[line.index(after: colon)...].split(separator: " ")
            guard let number = words.first.flatMap({ UInt64($0) }) else { continue }
            let multiplier: UInt64 = words.count > 1 && words[1] == "kB" ? 1024 : 1
            fields[line[..<colon]] = number.multipliedReportingOverflow(by: multiplier).partialValue
        }
        guard let total = fields["MemTotal"], let free = fields["MemFree"] else {
            throw SystemFileFormatError(file: "/proc/meminfo", problem: "no MemTotal or MemFree line")
        }
        let available = fields["MemAvailable"]
            ?? min(total, free + (fields["Buffers"] ?? 0) + (fields["Cached"] ?? 0))
        self.init(totalBytes: total, availableBytes: available, freeBytes: free)
    }

    public static func read(procRoot: String = "/proc") throws(SystemFileFormatError) -> MemoryInfo {
        guard let text = SystemFile.text("meminfo", under: procRoot) else {
            throw SystemFileFormatError(file: SystemFile.path("meminfo", under: procRoot), problem: "cannot be read")
        }
        return try MemoryInfo(meminfo: text)
    }
}
