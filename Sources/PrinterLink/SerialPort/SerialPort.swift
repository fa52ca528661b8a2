#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One open serial port to a printer controller: a raw 8N1 tty held exclusively by this process.
///
/// The descriptor is non-blocking with VMIN = VTIME = 0, ready for a poll(2)-driven reader; a read
/// returns at once with the bytes that are there. Use the port from one task at a time; `close()` may
/// be called from anywhere, but stop a reader blocked in poll on `fileDescriptor` first, since a closed
/// descriptor number can be reused at once.
public final class SerialPort: Sendable {
    /// The path the port was opened by, as given (for example a /dev/serial/by-id link).
    public let path: String
    /// The device node `path` leads to once symlinks are resolved (for example /dev/ttyACM0).
    public let resolvedPath: String

    private let state: Mutex<State>

    private struct State {
        var descriptor: Int32
        var baudRate: Int
    }

    private init(path: String, resolvedPath: String, descriptor: Int32, baudRate: Int) {
        self.path = path
        self.resolvedPath = resolvedPath
        self.state = Mutex(State(descriptor: descriptor, baudRate: baudRate))
    }

    deinit {
        close()
    }

    /// The open descriptor, or -1 once the port is closed.
    public var fileDescriptor: Int32 {
        state.withLock { $0.descriptor }
    }

    /// The line speed the driver reports after it was set (within 2% of the rate asked for).
    public private(set) var baudRate: Int {
        get { state.withLock { $0.baudRate } }
        set { state.withLock { $0.baudRate = newValue } }
    }

    public var isOpen: Bool {
        fileDescriptor >= 0
    }

    /// Opens `path` (symlinks such as /dev/serial/by-id/… are followed) as a raw 8N1 line at
    /// `baudRate`, with no flow control, holding an exclusive lock on it.
    ///
    /// - `hangUpOnClose`: keep HUPCL (the default, as pyserial-based hosts do), so DTR drops on close
    ///   and an Arduino-type controller resets on the next open; see `RawLineSettings`.
    public static func open(path: String, baudRate: Int, hangUpOnClose: Bool = true) throws(SerialPortError) -> SerialPort {
        let speed = try LineSpeed(baudRate: baudRate)
        let resolvedPath = try resolveSymlinks(path)

        let descriptor = Glibc.open(resolvedPath, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SerialPortError.opening(path, errno: errno)
        }
        var handedOver = false
        defer {
            if !handedOver { _ = Glibc.close(descriptor) }
        }

        guard isatty(descriptor) == 1 else {
            throw .notATerminal(path)
        }
        // flock keeps out every cooperating host (pyserial's exclusive mode, another agent), even
        // when they run as root; TIOCEXCL also keeps out plain open(2) calls of unprivileged users.
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EWOULDBLOCK {
                throw .inUse(path, byPID: PortLockHolder.holder(ofPortAt: resolvedPath))
            }
            throw .system(operation: "locking \(path)", errno: code)
        }
        // Root opens a tty even when another process set TIOCEXCL on it; ask whether one did, and whether it
        // still has the port open: a host killed with -9 leaves the flag set on a pseudo-terminal.
        var exclusive: Int32 = 0
        if ioctl(descriptor, Self.TIOCGEXCL, &exclusive) == 0 && exclusive != 0,
           let holder = PortOpeners.otherOpener(ofDeviceAt: resolvedPath, besides: descriptor) {
            throw .inUse(path, byPID: holder)
        }
        if ioctl(descriptor, UInt(TIOCEXCL)) != 0 {
            throw .system(operation: "taking exclusive use of \(path)", errno: errno)
        }

        var settings = termios()
        if tcgetattr(descriptor, &settings) != 0 {
            throw .system(operation: "reading the line settings of \(path)", errno: errno)
        }
        RawLineSettings.apply(to: &settings, hangUpOnClose: hangUpOnClose)
        if tcsetattr(descriptor, TCSANOW, &settings) != 0 {
            throw .system(operation: "setting raw mode on \(path)", errno: errno)
        }
        let reportedRate = try setLineSpeed(speed, requested: baudRate, descriptor: descriptor, path: path)
        // Bytes that arrived before the line was configured (bootloader noise, a previous session's
        // replies) would be misread as replies to this session.
        _ = tcflush(descriptor, TCIOFLUSH)

        handedOver = true
        return SerialPort(path: path, resolvedPath: resolvedPath, descriptor: descriptor, baudRate: reportedRate)
    }

    /// Changes the line speed of the open port (for example while probing for a controller's rate).
    public func setBaudRate(_ rate: Int) throws(SerialPortError) {
        let speed = try LineSpeed(baudRate: rate)
        let descriptor = try openDescriptor()
        baudRate = try Self.setLineSpeed(speed, requested: rate, descriptor: descriptor, path: path)
    }

    /// What `pulseDTR` did.
    public enum DTRPulse: Equatable, Sendable {
        case pulsed
        /// The port has no modem control lines (a pseudo-terminal, some adapters); nothing was done.
        case notSupported
    }

    /// Drops DTR for `holdMilliseconds`, then raises it: an Arduino-type controller (ATmega2560 with
    /// a USB-serial bridge) resets on that edge. Native-USB controllers ignore it. Blocks the calling
    /// thread for the hold time.
    @discardableResult
    public func pulseDTR(holdMilliseconds: Int = 100) throws(SerialPortError) -> DTRPulse {
        let descriptor = try openDescriptor()
        var dtr = Int32(TIOCM_DTR)
        if ioctl(descriptor, UInt(TIOCMBIC), &dtr) != 0 {
            let code = errno
            if Self.meansNoModemControl(code) { return .notSupported }
            throw .system(operation: "dropping DTR on \(path)", errno: code)
        }
        let milliseconds = max(0, holdMilliseconds)
        var hold = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&hold, &remaining) != 0 && errno == EINTR {
            hold = remaining
        }
        if ioctl(descriptor, UInt(TIOCMBIS), &dtr) != 0 {
            throw .system(operation: "raising DTR on \(path)", errno: errno)
        }
        return .pulsed
    }

    /// Discards bytes received but not yet read.
    public func flushInput() throws(SerialPortError) {
        let descriptor = try openDescriptor()
        if tcflush(descriptor, TCIFLUSH) != 0 {
            throw .system(operation: "flushing input of \(path)", errno: errno)
        }
    }

    /// Closes the port and releases its lock. Calling it again does nothing.
    public func close() {
        let descriptor = state.withLock { state in
            let descriptor = state.descriptor
            state.descriptor = -1
            return descriptor
        }
        guard descriptor >= 0 else { return }
        _ = ioctl(descriptor, UInt(TIOCNXCL))
        _ = flock(descriptor, LOCK_UN)
        _ = Glibc.close(descriptor)
    }

    private func openDescriptor() throws(SerialPortError) -> Int32 {
        let descriptor = fileDescriptor
        guard descriptor >= 0 else {
            throw .system(operation: "using \(path) after it was closed", errno: EBADF)
        }
        return descriptor
    }

    /// `_IOR('T', 0x40, int)`, Linux 3.8 and later: whether TIOCEXCL is set on the tty.
    static let TIOCGEXCL = IoctlRequest.read(type: UInt8(ascii: "T"), number: 0x40, size: MemoryLayout<Int32>.size)

    /// Ptys answer the modem-control ioctls with ENOTTY; some USB adapters with EINVAL or EOPNOTSUPP.
    static func meansNoModemControl(_ code: Int32) -> Bool {
        code == ENOTTY || code == EINVAL || code == EOPNOTSUPP
    }

    private static func resolveSymlinks(_ path: String) throws(SerialPortError) -> String {
        guard let resolved = realpath(path, nil) else {
            let code = errno
            switch code {
            case ENOENT, ENOTDIR: throw .notFound(path)
            case EACCES: throw .permissionDenied(path)
            default: throw .system(operation: "resolving \(path)", errno: code)
            }
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Puts `speed` on the line and returns the rate the driver then reports, read back through
    /// termios2 (which gives the effective rate as an integer for Bxxx and BOTHER speeds alike).
    private static func setLineSpeed(
        _ speed: LineSpeed, requested: Int, descriptor: Int32, path: String
    ) throws(SerialPortError) -> Int {
        switch speed {
        case .standard(let constant):
            var settings = termios()
            if tcgetattr(descriptor, &settings) != 0 {
                throw .system(operation: "reading the line settings of \(path)", errno: errno)
            }
            cfsetispeed(&settings, constant)
            cfsetospeed(&settings, constant)
            if tcsetattr(descriptor, TCSANOW, &settings) != 0 {
                let code = errno
                if code == EINVAL { throw .baudRateRejected(requested) }
                throw .system(operation: "setting \(requested) baud on \(path)", errno: code)
            }
        case .custom(let rate):
            var settings = termios2()
            if ioctl(descriptor, Termios2.TCGETS2, &settings) != 0 {
                throw .system(operation: "reading the line settings of \(path)", errno: errno)
            }
            // Input speed bits left at 0 mean "input runs at the output speed".
            settings.c_cflag &= ~(Termios2.CBAUD | (Termios2.CBAUD << Termios2.IBSHIFT))
            settings.c_cflag |= Termios2.BOTHER
            settings.c_ispeed = rate
            settings.c_ospeed = rate
            if ioctl(descriptor, Termios2.TCSETS2, &settings) != 0 {
                let code = errno
                if code == EINVAL { throw .baudRateRejected(requested) }
                throw .system(operation: "setting \(requested) baud on \(path)", errno: code)
            }
        }
        var readBack = termios2()
        if ioctl(descriptor, Termios2.TCGETS2, &readBack) != 0 {
            throw .system(operation: "reading back the line speed of \(path)", errno: errno)
        }
        let reported = Int(readBack.c_ospeed)
        guard LineSpeed.accepts(requested: requested, reported: reported) else {
            throw .baudRateRejected(requested)
        }
        return reported
    }
}
