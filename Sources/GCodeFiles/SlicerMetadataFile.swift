import GCode
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SlicerMetadata {
    /// Slicers write thumbnails (up to a few hundred KiB) at the start and estimates at the end.
    public static let headLength = 1024 * 1024
    public static let tailLength = 256 * 1024

    /// Reads only the first `headLength` and last `tailLength` bytes of the file, cut to whole lines.
    public static func read(path: String) throws -> SlicerMetadata {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw GCodeFileReader.openError(path: path, code: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw GCodeFileError.unreadable(path: path, reason: GCodeFileReader.text(ofErrno: errno))
        }
        let size = Int64(status.st_size)
        if size <= Int64(headLength + tailLength) {
            let whole = try readBytes(descriptor, path: path, offset: 0, count: Int(size))
            return parse(head: whole, tail: [])
        }
        var head = try readBytes(descriptor, path: path, offset: 0, count: headLength)
        // The head's last line is cut, the tail's first line too.
        if let lastNewline = head.lastIndex(of: 0x0A) { head.removeSubrange((lastNewline + 1)...) }
        var tail = try readBytes(descriptor, path: path, offset: size - Int64(tailLength), count: tailLength)
        if let firstNewline = tail.firstIndex(of: 0x0A) { tail.removeSubrange(...firstNewline) } else { tail = [] }
        return parse(head: head, tail: tail)
    }

    private static func readBytes(_ descriptor: Int32, path: String, offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset + Int64(filled)))
            }
            if result < 0 {
                let code = errno
                if code == EINTR { continue }
                throw GCodeFileError.unreadable(path: path, reason: GCodeFileReader.text(ofErrno: code))
            }
            if result == 0 { break }  // the file shrank meanwhile
            filled += result
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
