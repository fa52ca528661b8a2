#if canImport(Glibc)
import Glibc
#endif

// Linux's termios2, which carries the line speed as a plain integer (c_ispeed/c_ospeed) next to the
// BOTHER flag, so a port can run at rates that have no Bxxx constant (250000 is the usual one for
// Marlin). Glibc's Swift overlay does not import it, so the kernel layout is declared here. This is the
// asm-generic layout used on x86_64, aarch64 and 32-bit ARM (the boards this agent runs on); PowerPC,
// MIPS, SPARC and Alpha use other layouts and request numbers.

/// The kernel's `struct termios2` (include/uapi/asm-generic/termbits.h); its c_cc has NCCS = 19 entries.
struct termios2 {
    var c_iflag: tcflag_t = 0
    var c_oflag: tcflag_t = 0
    var c_cflag: tcflag_t = 0
    var c_lflag: tcflag_t = 0
    var c_line: cc_t = 0
    var c_cc: (cc_t, cc_t, cc_t, cc_t, cc_t, cc_t, cc_t, cc_t, cc_t, cc_t,
               cc_t, cc_t, cc_t, cc_t, cc_t, cc_t, cc_t, cc_t, cc_t)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var c_ispeed: speed_t = 0
    var c_ospeed: speed_t = 0
}

/// termios2 constants and ioctl request numbers (asm-generic values).
enum Termios2 {
    /// c_cflag speed value meaning "the rate is in c_ispeed/c_ospeed".
    static let BOTHER: tcflag_t = 0o010000
    /// Mask of the output speed bits in c_cflag.
    static let CBAUD: tcflag_t = 0o010017
    /// The input speed bits sit this far above the output speed bits (CIBAUD = CBAUD << IBSHIFT).
    static let IBSHIFT: tcflag_t = 16

    /// `_IOR('T', 0x2A, struct termios2)`, computed from the struct's size rather than written out.
    static let TCGETS2 = IoctlRequest.read(type: UInt8(ascii: "T"), number: 0x2A, size: MemoryLayout<termios2>.size)
    /// `_IOW('T', 0x2B, struct termios2)`.
    static let TCSETS2 = IoctlRequest.write(type: UInt8(ascii: "T"), number: 0x2B, size: MemoryLayout<termios2>.size)
}

/// The asm-generic `_IOC` encoding: direction in bits 30–31, argument size in bits 16–29,
/// type in bits 8–15, number in bits 0–7.
enum IoctlRequest {
    private static let writeDirection: UInt = 1
    private static let readDirection: UInt = 2

    static func read(type: UInt8, number: UInt8, size: Int) -> UInt {
        encode(direction: readDirection, type: type, number: number, size: size)
    }

    static func write(type: UInt8, number: UInt8, size: Int) -> UInt {
        encode(direction: writeDirection, type: type, number: number, size: size)
    }

    private static func encode(direction: UInt, type: UInt8, number: UInt8, size: Int) -> UInt {
        precondition(size >= 0 && size < (1 << 14), "ioctl argument size must fit in 14 bits")
        return (direction << 30) | (UInt(size) << 16) | (UInt(type) << 8) | UInt(number)
    }
}
