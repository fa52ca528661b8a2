#if canImport(Glibc)
import Glibc
#endif

/// What a failed read, write or poll on an open port means for the link to the printer.
///
/// When a USB printer is unplugged or switched off, the kernel hangs the tty up: poll reports
/// POLLHUP (often with POLLERR), reads return 0 or fail with EIO, writes fail with EIO; ENXIO and
/// ENODEV come from drivers whose device is already gone. None of these recover, so the job is
/// interrupted. EAGAIN and EINTR only mean "try again".
public enum LinkFailure: Equatable, Sendable {
    /// The port is gone (unplugged, powered off, hung up): retrying cannot help.
    case linkLost(LinkLossSign)
    /// Nothing is wrong: the call would block or was interrupted; retry when poll says so.
    case transient
    /// Neither: an error that points at a bug or an unusual condition (EBADF, EINVAL, ENOMEM…).
    case unexpected(errno: Int32)

    /// What showed that the link was lost.
    public enum LinkLossSign: Equatable, Sendable {
        /// poll reported POLLHUP.
        case hangUp
        /// poll reported POLLERR.
        case pollError
        /// A read returned 0 bytes although poll had reported the port readable.
        case endOfFile
        /// A call failed with EIO, ENXIO or ENODEV.
        case error(errno: Int32)
    }

    /// Classifies the errno of a failed read(2), write(2), poll(2) or ioctl(2) on the port.
    public static func classify(errno code: Int32) -> LinkFailure {
        switch code {
        case EIO, ENXIO, ENODEV: return .linkLost(.error(errno: code))
        case EAGAIN, EWOULDBLOCK, EINTR: return .transient
        default: return .unexpected(errno: code)
        }
    }

    /// Classifies the `revents` poll(2) returned for the port; nil when they signal no failure.
    /// POLLNVAL (the descriptor is not open) is a bug in the caller, not a lost link.
    public static func classify(pollEvents revents: Int16) -> LinkFailure? {
        let events = Int32(revents)
        if events & Int32(POLLNVAL) != 0 { return .unexpected(errno: EBADF) }
        if events & Int32(POLLHUP) != 0 { return .linkLost(.hangUp) }
        if events & Int32(POLLERR) != 0 { return .linkLost(.pollError) }
        return nil
    }

    /// Classifies what read(2) returned: `result` is its return value, `errno` the errno after it,
    /// `pollReportedReadable` whether poll had just reported POLLIN. nil when bytes were read.
    ///
    /// With VMIN = 0 and VTIME = 0 a tty read returns 0 both when no byte is waiting and when the tty
    /// was hung up; only after poll reported the port readable does 0 mean the link is gone.
    public static func classify(readResult result: Int, errno code: Int32, pollReportedReadable: Bool) -> LinkFailure? {
        if result > 0 { return nil }
        if result == 0 { return pollReportedReadable ? .linkLost(.endOfFile) : .transient }
        return classify(errno: code)
    }

    public var isLinkLost: Bool {
        if case .linkLost = self { return true }
        return false
    }
}
