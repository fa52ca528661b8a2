#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import PrinterLink

// MARK: - A pseudo-terminal standing in for the printer's controller

/// The master side of a pty; the slave path is what SerialPort opens, as it would /dev/ttyACM0.
private final class PseudoTerminal {
    private(set) var master: Int32
    let slavePath: String

    /// Opens /dev/ptmx, unlocks the slave and asks its number: what posix_openpt, unlockpt and
    /// ptsname do on Linux (Glibc's Swift module does not export those three).
    init() throws {
        let master = Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard master >= 0 else { throw PtyFailure(operation: "opening /dev/ptmx", code: errno) }
        var locked: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, PtyRequest.setLock, &locked) == 0,
              ioctl(master, PtyRequest.number, &number) == 0
        else {
            let code = errno
            Glibc.close(master)
            throw PtyFailure(operation: "unlocking the pty", code: code)
        }
        self.master = master
        self.slavePath = "/dev/pts/\(number)"
    }

    /// Unplugging the printer, as the slave sees it.
    func closeMaster() {
        if master >= 0 { Glibc.close(master) }
        master = -1
    }

    deinit { closeMaster() }
}

/// TIOCGPTN and TIOCSPTLCK, which Swift cannot import (they are _IOR/_IOW macros).
private enum PtyRequest {
    static let number = IoctlRequest.read(type: UInt8(ascii: "T"), number: 0x30, size: MemoryLayout<UInt32>.size)
    static let setLock = IoctlRequest.write(type: UInt8(ascii: "T"), number: 0x31, size: MemoryLayout<Int32>.size)
}

private struct PtyFailure: Error {
    var operation: String
    var code: Int32
}

private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written > 0 {
            offset += written
        } else if errno == EAGAIN || errno == EINTR {
            try waitFor(POLLOUT, on: fd)
        } else {
            throw PtyFailure(operation: "write", code: errno)
        }
    }
}

/// Waits (in poll, not by sleeping) until `fd` reports `event`; fails after five seconds.
@discardableResult
private func waitFor(_ event: Int32, on fd: Int32) throws -> Int16 {
    var descriptor = pollfd(fd: fd, events: Int16(event), revents: 0)
    let ready = poll(&descriptor, 1, 5_000)
    guard ready == 1 else { throw PtyFailure(operation: "poll timed out", code: errno) }
    return descriptor.revents
}

private func readExactly(_ count: Int, from fd: Int32) throws -> [UInt8] {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while received.count < count {
        try waitFor(POLLIN, on: fd)
        let wanted = min(buffer.count, count - received.count)
        let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, wanted) }
        if got > 0 {
            received.append(contentsOf: buffer[0..<got])
        } else if got < 0 && errno != EAGAIN && errno != EINTR {
            throw PtyFailure(operation: "read", code: errno)
        }
    }
    return received
}

private func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/serialport-tests-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw PtyFailure(operation: "mkdtemp", code: errno) }
    return String(cString: made)
}

private func kernelTermios(of fd: Int32) -> termios2 {
    var settings = termios2()
    _ = ioctl(fd, Termios2.TCGETS2, &settings)
    return settings
}

// MARK: - Over real pseudo-terminals

@Suite(.serialized, .timeLimit(.minutes(1)))
struct SerialPortOverPtyTests {
    @Test func opensInRawEightNOneWithoutFlowControl() throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        defer { port.close() }

        var settings = termios()
        #expect(tcgetattr(port.fileDescriptor, &settings) == 0)
        #expect(settings.c_lflag & tcflag_t(ECHO | ICANON | ISIG | IEXTEN) == 0)
        #expect(settings.c_iflag & tcflag_t(ICRNL | INLCR | IGNCR | IXON | IXOFF | ISTRIP) == 0)
        #expect(settings.c_oflag & tcflag_t(OPOST) == 0)
        #expect(settings.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(settings.c_cflag & (tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS)) == 0)
        #expect(settings.c_cflag & tcflag_t(CLOCAL | CREAD | HUPCL) == tcflag_t(CLOCAL | CREAD | HUPCL))
        withUnsafeBytes(of: settings.c_cc) { cc in
            #expect(cc[Int(VMIN)] == 0)
            #expect(cc[Int(VTIME)] == 0)
        }
        #expect(cfgetospeed(&settings) == speed_t(B115200))
        #expect(port.baudRate == 115_200)
        #expect(port.resolvedPath == pty.slavePath)
        #expect(fcntl(port.fileDescriptor, F_GETFL) & O_NONBLOCK != 0)
        #expect(fcntl(port.fileDescriptor, F_GETFD) & FD_CLOEXEC != 0)
    }

    @Test func keepsHangUpOnCloseOnlyWhenAsked() throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort.open(path: pty.slavePath, baudRate: 115_200, hangUpOnClose: false)
        defer { port.close() }
        var settings = termios()
        #expect(tcgetattr(port.fileDescriptor, &settings) == 0)
        #expect(settings.c_cflag & tcflag_t(HUPCL) == 0)
    }

    @Test func everyByteValuePassesUnchangedBothWaysWithoutEcho() throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort.open(path: pty.slavePath, baudRate: 250_000)
        defer { port.close() }
        // Twice every value: CR, LF, ^C, ^S/^Q, ^D, 0x00 and 0xFF are what a cooked tty would change.
        let bytes = (0..<512).map { UInt8(truncatingIfNeeded: $0) }

        try writeAll(pty.master, bytes)
        #expect(try readExactly(bytes.count, from: port.fileDescriptor) == bytes)

        try writeAll(port.fileDescriptor, bytes.reversed())
        #expect(try readExactly(bytes.count, from: pty.master) == bytes.reversed())

        // An echo of what the port received would have reached the master before the port could
        // read it, so by now it would be waiting here.
        var extra = [UInt8](repeating: 0, count: 16)
        let got = extra.withUnsafeMutableBytes { read(pty.master, $0.baseAddress, $0.count) }
        #expect(got == -1 && errno == EAGAIN)
    }

    @Test(arguments: [250_000, 1_000_000, 500_000, 76_800, 123_456])
    func setsAndReadsBackBaudRatesBeyondTheClassicOnes(rate: Int) throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort.open(path: pty.slavePath, baudRate: rate)
        defer { port.close() }
        #expect(port.baudRate == rate)

        let settings = kernelTermios(of: port.fileDescriptor)
        #expect(Int(settings.c_ospeed) == rate)
        #expect(Int(settings.c_ispeed) == rate)
        switch try LineSpeed(baudRate: rate) {
        case .standard(let constant):
            #expect(settings.c_cflag & Termios2.CBAUD == tcflag_t(constant))
        case .custom:
            #expect(settings.c_cflag & Termios2.CBAUD == Termios2.BOTHER)
        }
        // Raw mode survives the termios2 call.
        #expect(settings.c_lflag & tcflag_t(ECHO | ICANON) == 0)
        #expect(settings.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
    }

    @Test func changesBaudRateOnAnOpenPort() throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        defer { port.close() }
        try port.setBaudRate(250_000)
        #expect(port.baudRate == 250_000)
        #expect(kernelTermios(of: port.fileDescriptor).c_ospeed == 250_000)
        try port.setBaudRate(57_600)
        #expect(port.baudRate == 57_600)
        #expect(kernelTermios(of: port.fileDescriptor).c_ospeed == 57_600)
    }

    @Test(arguments: [0, -250_000, Int(UInt32.max) + 1])
    func refusesRatesThatAreNotPositive32BitNumbers(rate: Int) throws {
        let pty = try PseudoTerminal()
        #expect(throws: SerialPortError.baudRateRejected(rate)) {
            try SerialPort.open(path: pty.slavePath, baudRate: rate)
        }
    }

    @Test func secondOpenOfTheSamePortIsRefusedAsInUse() throws {
        let pty = try PseudoTerminal()
        let first = try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        #expect(throws: SerialPortError.inUse(pty.slavePath, byPID: getpid())) {
            try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        }
        first.close()
        let again = try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        again.close()
    }

    @Test func portHeldExclusivelyByAnotherProgramIsInUse() throws {
        let pty = try PseudoTerminal()
        // What a terminal program that sets TIOCEXCL but takes no flock leaves behind.
        let other = Glibc.open(pty.slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        #expect(other >= 0)
        defer { Glibc.close(other) }
        #expect(ioctl(other, UInt(TIOCEXCL)) == 0)
        #expect(throws: SerialPortError.inUse(pty.slavePath, byPID: getpid())) {
            try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        }
        #expect(ioctl(other, UInt(TIOCNXCL)) == 0)
        let port = try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        port.close()
    }

    @Test func anExclusiveFlagLeftByAKilledHostDoesNotLockThePortForGood() throws {
        let pty = try PseudoTerminal()
        // A host killed with -9 never clears TIOCEXCL; on a pseudo-terminal (its master still open) the flag stays.
        let killed = Glibc.open(pty.slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        #expect(killed >= 0)
        #expect(ioctl(killed, UInt(TIOCEXCL)) == 0)
        Glibc.close(killed)
        let port = try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        port.close()
    }

    @Test func opensThroughASymlinkAndReportsTheDeviceNode() throws {
        let pty = try PseudoTerminal()
        let directory = try makeTemporaryDirectory()
        let link = directory + "/usb-Prusa_Research__prusa3d.com__Original_Prusa_i3_MK3_CZPX0001-if00"
        #expect(symlink(pty.slavePath, link) == 0)
        defer {
            unlink(link)
            rmdir(directory)
        }
        let port = try SerialPort.open(path: link, baudRate: 115_200)
        defer { port.close() }
        #expect(port.path == link)
        #expect(port.resolvedPath == pty.slavePath)
    }

    @Test func missingDeviceIsNotFound() throws {
        let path = "/dev/serial/by-id/usb-no-such-printer-if00"
        #expect(throws: SerialPortError.notFound(path)) {
            try SerialPort.open(path: path, baudRate: 115_200)
        }
        let directory = try makeTemporaryDirectory()
        let dangling = directory + "/unplugged-printer"
        #expect(symlink("/dev/ttyACM-gone", dangling) == 0)
        defer {
            unlink(dangling)
            rmdir(directory)
        }
        #expect(throws: SerialPortError.notFound(dangling)) {
            try SerialPort.open(path: dangling, baudRate: 115_200)
        }
    }

    @Test func regularFileAndDirectoryAreNotTerminals() throws {
        let directory = try makeTemporaryDirectory()
        let file = directory + "/benchy.gcode"
        let fd = Glibc.open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        #expect(fd >= 0)
        Glibc.close(fd)
        defer {
            unlink(file)
            rmdir(directory)
        }
        #expect(throws: SerialPortError.notATerminal(file)) {
            try SerialPort.open(path: file, baudRate: 115_200)
        }
        #expect(throws: SerialPortError.notATerminal(directory)) {
            try SerialPort.open(path: directory, baudRate: 115_200)
        }
    }

    @Test func dtrPulseOnAPtyIsNotSupported() throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        defer { port.close() }
        #expect(try port.pulseDTR(holdMilliseconds: 1) == .notSupported)
    }

    @Test func closingTheMasterIsSeenAsALostLink() throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        defer { port.close() }
        pty.closeMaster()

        let revents = try waitFor(POLLIN, on: port.fileDescriptor)
        #expect(LinkFailure.classify(pollEvents: revents)?.isLinkLost == true)

        var buffer = [UInt8](repeating: 0, count: 64)
        let result = buffer.withUnsafeMutableBytes { read(port.fileDescriptor, $0.baseAddress, $0.count) }
        let failure = LinkFailure.classify(readResult: result, errno: errno, pollReportedReadable: true)
        #expect(failure?.isLinkLost == true)
    }

    @Test func closeIsIdempotentAndReleasesThePort() throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        port.close()
        port.close()
        #expect(port.fileDescriptor == -1)
        #expect(!port.isOpen)
        #expect(throws: SerialPortError.self) { try port.flushInput() }
        let reopened = try SerialPort.open(path: pty.slavePath, baudRate: 115_200)
        try reopened.flushInput()
        reopened.close()
    }
}

// MARK: - Pure parts

struct Termios2LayoutTests {
    @Test func matchesTheKernelStruct() {
        #expect(MemoryLayout<termios2>.size == 44)
        #expect(MemoryLayout<termios2>.offset(of: \.c_line) == 16)
        #expect(MemoryLayout<termios2>.offset(of: \.c_cc) == 17)
        #expect(MemoryLayout<termios2>.offset(of: \.c_ispeed) == 36)
        #expect(MemoryLayout<termios2>.offset(of: \.c_ospeed) == 40)
    }

    @Test func ioctlNumbersAreTheAsmGenericOnes() {
        #expect(Termios2.TCGETS2 == 0x802C_542A)
        #expect(Termios2.TCSETS2 == 0x402C_542B)
        // TIOCGPTN and TIOCSPTLCK, as linux/asm-generic/ioctls.h gives them.
        #expect(IoctlRequest.read(type: UInt8(ascii: "T"), number: 0x30, size: 4) == 0x8004_5430)
        #expect(IoctlRequest.write(type: UInt8(ascii: "T"), number: 0x31, size: 4) == 0x4004_5431)
    }
}

struct LineSpeedTests {
    @Test(arguments: [
        (9_600, LineSpeed.standard(speed_t(B9600))),
        (115_200, .standard(speed_t(B115200))),
        (230_400, .standard(speed_t(B230400))),
        (500_000, .standard(speed_t(B500000))),
        (1_000_000, .standard(speed_t(B1000000))),
        (4_000_000, .standard(speed_t(B4000000))),
        (250_000, .custom(250_000)),
        (76_800, .custom(76_800)),
        (31_250, .custom(31_250)),
    ])
    func picksBxxxConstantOrBOTHER(rate: Int, expected: LineSpeed) throws {
        #expect(try LineSpeed(baudRate: rate) == expected)
    }

    @Test(arguments: [0, -9_600, Int(UInt32.max) + 1])
    func rejectsImpossibleRates(rate: Int) {
        #expect(throws: SerialPortError.baudRateRejected(rate)) { try LineSpeed(baudRate: rate) }
    }

    @Test(arguments: [
        (250_000, 250_000, true),
        (250_000, 245_000, true),
        (250_000, 255_000, true),
        (250_000, 244_999, false),
        (250_000, 38_400, false),
        (115_200, 0, false),
    ])
    func acceptsReadBackWithinTwoPercent(requested: Int, reported: Int, accepted: Bool) {
        #expect(LineSpeed.accepts(requested: requested, reported: reported) == accepted)
    }
}

struct RawLineSettingsTests {
    /// The settings a tty starts with (cooked, echoing, with XON/XOFF): what a port looks like
    /// before a host configures it.
    private func cookedSettings() -> termios {
        var settings = termios()
        settings.c_iflag = tcflag_t(ICRNL | IXON | IXOFF | BRKINT | ISTRIP)
        settings.c_oflag = tcflag_t(OPOST | ONLCR)
        settings.c_cflag = tcflag_t(CS7 | PARENB | CSTOPB) | tcflag_t(CRTSCTS)
        settings.c_lflag = tcflag_t(ECHO | ICANON | ISIG | IEXTEN | ECHOE)
        withUnsafeMutableBytes(of: &settings.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 5
        }
        return settings
    }

    @Test(arguments: [true, false])
    func makesAnyStartingPointRawEightNOne(hangUpOnClose: Bool) {
        var settings = cookedSettings()
        RawLineSettings.apply(to: &settings, hangUpOnClose: hangUpOnClose)
        #expect(settings.c_iflag == 0)
        #expect(settings.c_oflag & tcflag_t(OPOST) == 0)
        #expect(settings.c_lflag & tcflag_t(ECHO | ICANON | ISIG | IEXTEN) == 0)
        #expect(settings.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(settings.c_cflag & (tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS)) == 0)
        #expect(settings.c_cflag & tcflag_t(CLOCAL | CREAD) == tcflag_t(CLOCAL | CREAD))
        #expect((settings.c_cflag & tcflag_t(HUPCL) != 0) == hangUpOnClose)
        withUnsafeBytes(of: settings.c_cc) { cc in
            #expect(cc[Int(VMIN)] == 0)
            #expect(cc[Int(VTIME)] == 0)
        }
    }
}

struct LinkFailureTests {
    @Test(arguments: [
        (EIO, LinkFailure.linkLost(.error(errno: EIO))),
        (ENXIO, .linkLost(.error(errno: ENXIO))),
        (ENODEV, .linkLost(.error(errno: ENODEV))),
        (EAGAIN, .transient),
        (EINTR, .transient),
        (EBADF, .unexpected(errno: EBADF)),
        (EINVAL, .unexpected(errno: EINVAL)),
    ])
    func classifiesErrno(code: Int32, expected: LinkFailure) {
        #expect(LinkFailure.classify(errno: code) == expected)
    }

    @Test(arguments: [
        (Int32(POLLIN), LinkFailure?.none),
        (Int32(POLLOUT), nil),
        (Int32(POLLHUP), .linkLost(.hangUp)),
        (Int32(POLLIN | POLLHUP), .linkLost(.hangUp)),
        (Int32(POLLIN | POLLOUT | POLLERR | POLLHUP), .linkLost(.hangUp)),
        (Int32(POLLERR), .linkLost(.pollError)),
        (Int32(POLLNVAL), .unexpected(errno: EBADF)),
    ])
    func classifiesPollEvents(events: Int32, expected: LinkFailure?) {
        #expect(LinkFailure.classify(pollEvents: Int16(events)) == expected)
    }

    @Test(arguments: [
        (12, Int32(0), true, LinkFailure?.none),
        (0, 0, true, .linkLost(.endOfFile)),
        (0, 0, false, .transient),
        (-1, EAGAIN, false, .transient),
        (-1, EIO, true, .linkLost(.error(errno: EIO))),
    ])
    func classifiesReadResults(result: Int, code: Int32, readable: Bool, expected: LinkFailure?) {
        #expect(LinkFailure.classify(readResult: result, errno: code, pollReportedReadable: readable) == expected)
    }
}

struct PortLockHolderTests {
    private let table = """
        1: FLOCK  ADVISORY  WRITE 812 00:05:1032 0 EOF
        1: -> FLOCK  ADVISORY  WRITE 977 00:19:7 0 EOF
        2: POSIX  ADVISORY  WRITE 4400 00:19:7 0 EOF
        3: FLOCK  ADVISORY  WRITE 4242 00:19:7 0 EOF
        4: OFDLCK ADVISORY  READ  -1 fd:01:393219 0 EOF
        5: FLOCK  ADVISORY  WRITE -1 00:1a:3 0 EOF
        """

    @Test(arguments: [
        (PortLockHolder.FileIdentity(major: 0, minor: 0x19, inode: 7), Int32?(4242)),
        (.init(major: 0, minor: 5, inode: 1032), 812),
        (.init(major: 0, minor: 5, inode: 1033), nil),
        (.init(major: 0xfd, minor: 1, inode: 393_219), nil),
        (.init(major: 0, minor: 0x1a, inode: 3), nil),
    ])
    func findsTheHolderOfAnFlock(identity: PortLockHolder.FileIdentity, expected: Int32?) {
        #expect(PortLockHolder.holder(of: identity, in: table) == expected)
    }

    @Test(arguments: [
        (UInt64(0x0000_0000_0000_0419), UInt32(4), UInt32(0x19)),
        (0x0000_0000_0100_fd01, 0xfd, 0x1001),
        (0x0000_1000_0000_0000, 0x1000, 0),
    ])
    func decodesGlibcDeviceNumbers(device: UInt64, major: UInt32, minor: UInt32) {
        let decoded = PortLockHolder.deviceNumbers(device)
        #expect(decoded.major == major)
        #expect(decoded.minor == minor)
    }
}

struct SerialPortErrorTests {
    @Test(arguments: [
        (ENOENT, SerialPortError.notFound("/dev/ttyACM0")),
        (ENODEV, .notFound("/dev/ttyACM0")),
        (EACCES, .permissionDenied("/dev/ttyACM0")),
        (EBUSY, .inUse("/dev/ttyACM0", byPID: nil)),
        (EISDIR, .notATerminal("/dev/ttyACM0")),
        (ELOOP, .system(operation: "opening /dev/ttyACM0", errno: ELOOP)),
    ])
    func mapsOpenErrors(code: Int32, expected: SerialPortError) {
        #expect(SerialPortError.opening("/dev/ttyACM0", errno: code) == expected)
    }

    @Test func messagesTellTheUserWhatToDo() {
        #expect(SerialPortError.permissionDenied("/dev/ttyUSB0").description.contains("dialout"))
        #expect(SerialPortError.inUse("/dev/ttyUSB0", byPID: 1234).description.contains("process 1234"))
        #expect(!SerialPortError.inUse("/dev/ttyUSB0", byPID: nil).description.contains("process"))
        #expect(SerialPortError.notFound("/dev/ttyACM0").description.contains("plugged in"))
        #expect(SerialPortError.baudRateRejected(250_000).description.contains("250000"))
        #expect(SerialPortError.system(operation: "locking /dev/ttyACM0", errno: EIO).description
            .contains("Input/output error"))
    }
}
