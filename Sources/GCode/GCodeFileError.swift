/// Why a G-code file cannot be printed as it is.
public enum GCodeFileError: Error, CustomStringConvertible, Equatable, Sendable {
    case notFound(path: String)
    /// Open, stat or read failed; `reason` is the system's text for errno.
    case unreadable(path: String, reason: String)
    /// A line longer than the firmware accepts (`length` and `limit` in bytes as sent, line number and
    /// checksum included), or a raw file line beyond what the reader buffers.
    case lineTooLong(fileLine: Int, length: Int, limit: Int)
    /// A NUL byte inside a command: a damaged file (a power cut during a copy leaves them).
    case nulByte(fileLine: Int)
    /// Empty, or only comments and blank lines.
    case noCommands

    public var description: String {
        switch self {
        case .notFound(let path):
            return "G-code file not found: \(path)"
        case .unreadable(let path, let reason):
            return "cannot read G-code file \(path): \(reason)"
        case .lineTooLong(let fileLine, let length, let limit):
            return "line \(fileLine) of the G-code file is too long: \(length) bytes as sent, the limit is \(limit)"
        case .nulByte(let fileLine):
            return "line \(fileLine) of the G-code file holds a NUL byte: the file is damaged"
        case .noCommands:
            return "the G-code file holds no command: it is empty, or only comments"
        }
    }
}
