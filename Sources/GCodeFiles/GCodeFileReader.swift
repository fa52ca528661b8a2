import GCode
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the commands of a G-code file in 64 KiB reads; memory stays at one chunk plus one line whatever
/// the file's size. Not thread-safe: one owner reads it.
public final class GCodeFileReader {
    public static let chunkSize = 64 * 1024
    /// A raw line (comments included) longer than this is not G-code; refusing it bounds memory on a
    /// binary file that has no line endings.
    public static let maximumRawLineLength = 1024 * 1024

    public let path: String
    public let fileSize: Int64
    private let descriptor: Int32
    private var splitter = GCodeLineSplitter()
    private var chunk: [UInt8]
    /// File offset of the next read.
    private var readOffset: Int64 = 0
    private var reachedEnd = false

    public init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.openError(path: path, code: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw GCodeFileError.unreadable(path: path, reason: Self.text(ofErrno: code))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw GCodeFileError.unreadable(path: path, reason: "not a regular file")
        }
        self.path = path
        self.descriptor = descriptor
        self.fileSize = Int64(status.st_size)
        self.chunk = [UInt8](repeating: 0, count: Self.chunkSize)
    }

    deinit {
        close(descriptor)
    }

    /// Byte offset after the last command returned, for progress against `fileSize`.
    public private(set) var offset: Int64 = 0

    /// The next command, or nil at the end of the file.
    public func next() throws -> GCodeCommandLine? {
        var result: GCodeCommandLine?
        try nextCommand { fileLine, command, endOffset in
            result = GCodeCommandLine(fileLine: fileLine, command: Array(command), endOffset: endOffset)
        }
        return result
    }

    /// Starts again from the first line.
    public func rewind() {
        splitter = GCodeLineSplitter()
        readOffset = 0
        reachedEnd = false
        offset = 0
    }

    /// Hands the next command's bytes to `body` without copying; false at the end of the file.
    @discardableResult
    func nextCommand(
        _ body: (_ fileLine: Int, _ command: UnsafeBufferPointer<UInt8>, _ endOffset: Int64) -> Void
    ) throws -> Bool {
        while true {
            var endOffset: Int64 = 0
            let found = splitter.nextCommand(atEndOfFile: reachedEnd) { fileLine, command, end in
                endOffset = end
                body(fileLine, command, end)
            }
            if found {
                offset = endOffset
                return true
            }
            if reachedEnd {
                offset = fileSize
                return false
            }
            if splitter.pendingByteCount > Self.maximumRawLineLength {
                throw GCodeFileError.lineTooLong(fileLine: splitter.nextFileLine, length: splitter.pendingByteCount,
                                                 limit: Self.maximumRawLineLength)
            }
            try readChunk()
        }
    }

    private func readChunk() throws {
        let count = try chunk.withUnsafeMutableBytes { buffer -> Int in
            while true {
                let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(readOffset))
                if count >= 0 { return count }
                let code = errno
                if code == EINTR { continue }
                throw GCodeFileError.unreadable(path: path, reason: Self.text(ofErrno: code))
            }
        }
        if count == 0 {
            reachedEnd = true
            return
        }
        readOffset += Int64(count)
        splitter.append(chunk[0..<count])
    }

    static func openError(path: String, code: Int32) -> GCodeFileError {
        code == ENOENT || code == ENOTDIR
            ? .notFound(path: path)
            : .unreadable(path: path, reason: text(ofErrno: code))
    }

    static func text(ofErrno code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}
