import Foundation

/// Small reads of kernel and configuration files (/proc, /sys, /etc), under a root directory so
/// tests can point the readers at a fixture tree.
enum SystemFile {
    static func path(_ relative: String, under root: String) -> String {
        root.hasSuffix("/") ? root + relative : root + "/" + relative
    }

    /// The file's bytes, or nil when it does not exist or cannot be read. /proc and /sys files
    /// report a size of 0 or 4096 whatever they hold, so this reads to the end instead of trusting it.
    static func bytes(_ relative: String, under root: String) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path(relative, under: root)) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return nil }
        return [UInt8](data)
    }

    static func text(_ relative: String, under root: String) -> String? {
        bytes(relative, under: root).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// A system call that failed, with the errno it left.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String {
        "\(call) failed: \(String(cString: strerror(errno)))"
    }
}

/// A system file whose text is not what the kernel writes there.
public struct SystemFileFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var problem: String

    public var description: String {
        "\(file): \(problem)"
    }
}
