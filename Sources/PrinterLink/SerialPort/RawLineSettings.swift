#if canImport(Glibc)
import Glibc
#endif

/// The line discipline a G-code host needs: every byte passes through unchanged in both directions.
enum RawLineSettings {
    /// Makes `settings` raw 8N1 with no flow control and non-blocking reads.
    ///
    /// - `hangUpOnClose`: keep HUPCL (the kernel's default, and what pyserial-based hosts such as
    ///   OctoPrint leave in place). With it, DTR drops when the last descriptor closes, so an
    ///   Arduino-type controller (DTR wired to reset through a capacitor) resets on the next open and
    ///   greets with `start`: every session begins from a known firmware state, and a host that went
    ///   away is visible to the controller. Clearing it keeps DTR asserted after close, so reopening
    ///   does not reset the controller (useful to reattach to a printer mid-job); the first open after
    ///   power-up still resets it. Native-USB controllers (LPC176x, STM32, Prusa Buddy) ignore DTR.
    static func apply(to settings: inout termios, hangUpOnClose: Bool) {
        cfmakeraw(&settings)
        // cfmakeraw already clears the parity, size and echo bits and sets CS8; spell out the rest
        // that a previous user of the port may have left behind.
        settings.c_cflag &= ~(tcflag_t(CSTOPB) | tcflag_t(PARENB) | tcflag_t(CRTSCTS))
        settings.c_cflag |= tcflag_t(CS8 | CLOCAL | CREAD)
        settings.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
        if hangUpOnClose {
            settings.c_cflag |= tcflag_t(HUPCL)
        } else {
            settings.c_cflag &= ~tcflag_t(HUPCL)
        }
        // VMIN = 0 and VTIME = 0: read returns at once with what is there; the driver waits in poll.
        withUnsafeMutableBytes(of: &settings.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
    }
}
