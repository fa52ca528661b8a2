#if canImport(Glibc)
import Glibc
#endif

/// How a baud rate is put on the line: a Bxxx constant through cfsetispeed/cfsetospeed when Linux has
/// one for that rate, the termios2/BOTHER ioctl with the rate as an integer otherwise.
///
/// This is the choice pyserial (and so OctoPrint) makes. 500000 and 1000000 have Bxxx constants on
/// Linux and go the standard way; 250000, Marlin's other common rate, has none and goes through BOTHER.
enum LineSpeed: Equatable, Sendable {
    case standard(speed_t)
    case custom(UInt32)

    /// Rates that have a Bxxx constant in Linux's asm-generic termbits.h.
    static let standardRates: [Int: speed_t] = [
        50: speed_t(B50), 75: speed_t(B75), 110: speed_t(B110), 134: speed_t(B134), 150: speed_t(B150),
        200: speed_t(B200), 300: speed_t(B300), 600: speed_t(B600), 1200: speed_t(B1200),
        1800: speed_t(B1800), 2400: speed_t(B2400), 4800: speed_t(B4800), 9600: speed_t(B9600),
        19200: speed_t(B19200), 38400: speed_t(B38400), 57600: speed_t(B57600),
        115200: speed_t(B115200), 230400: speed_t(B230400), 460800: speed_t(B460800),
        500000: speed_t(B500000), 576000: speed_t(B576000), 921600: speed_t(B921600),
        1000000: speed_t(B1000000), 1152000: speed_t(B1152000), 1500000: speed_t(B1500000),
        2000000: speed_t(B2000000), 2500000: speed_t(B2500000), 3000000: speed_t(B3000000),
        3500000: speed_t(B3500000), 4000000: speed_t(B4000000),
    ]

    init(baudRate: Int) throws(SerialPortError) {
        if let constant = Self.standardRates[baudRate] {
            self = .standard(constant)
        } else if baudRate > 0, let rate = UInt32(exactly: baudRate) {
            self = .custom(rate)
        } else {
            throw .baudRateRejected(baudRate)
        }
    }

    /// Whether a rate read back from the driver is the one asked for. UART drivers derive the rate
    /// from a clock divisor and may report the nearest rate they can make; a receiver tolerates a few
    /// percent of error per frame, so a reported rate within 2% is the rate asked for.
    static func accepts(requested: Int, reported: Int) -> Bool {
        guard reported > 0 else { return false }
        return abs(reported - requested) * 50 <= requested
    }
}
