#if canImport(Glibc)
import Glibc
#endif

/// Why a serial port could not be opened or configured, worded for the person at the printer.
public enum SerialPortError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Nothing at the path: the printer is unplugged, switched off, or the path is mistyped.
    case notFound(String)
    /// The device exists but this user may not open it.
    case permissionDenied(String)
    /// Another process holds the port; `byPID` names it when the kernel's lock table says who.
    case inUse(String, byPID: Int32?)
    /// The path is a file or directory, not a terminal device.
    case notATerminal(String)
    /// The driver refused the baud rate, or it is not a positive rate at all.
    case baudRateRejected(Int)
    /// Any other failure of a system call, with the call that failed.
    case system(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "\(path): no such device; is the printer plugged in and powered on?"
        case .permissionDenied(let path):
            return "\(path): permission denied; add the user to the 'dialout' group "
                + "(sudo usermod -aG dialout $USER) and log in again"
        case .inUse(let path, let pid):
            let holder = pid.map { " (process \($0))" } ?? ""
            return "\(path) is in use by another program\(holder); stop it first "
                + "(OctoPrint, another 3dp-agent, screen or minicom)"
        case .notATerminal(let path):
            return "\(path) is not a serial port (not a terminal device)"
        case .baudRateRejected(let rate):
            return "the serial port does not accept a baud rate of \(rate)"
        case .system(let operation, let code):
            return "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }

    /// The error `open(2)` reports for `path`, mapped onto the cases a user can act on.
    static func opening(_ path: String, errno code: Int32) -> SerialPortError {
        switch code {
        case ENOENT, ENXIO, ENODEV: return .notFound(path)
        case EACCES, EPERM: return .permissionDenied(path)
        // EBUSY: another process set TIOCEXCL on the tty.
        case EBUSY: return .inUse(path, byPID: nil)
        case EISDIR, ENOTDIR: return .notATerminal(path)
        default: return .system(operation: "opening \(path)", errno: code)
        }
    }
}
