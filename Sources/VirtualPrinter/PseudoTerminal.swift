import Foundation
import Glibc

/// The controller's end of a pseudo-terminal pair; the other end (`devicePath`) is the "serial port" a host opens.
struct PseudoTerminal {
    let masterDescriptor: Int32
    let devicePath: String

    /// Creates the pair and sets the host's side to raw 8N1 without echo, so a host that opens it without configuring
    /// it still never reads its own lines back. Opening and closing that side once also puts the master in the
    /// hung-up state that tells, by its clearing, when a host opens the port.
    static func open() throws -> PseudoTerminal {
        let master = LibC.posixOpenpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard master >= 0 else { throw VirtualPrinterError("posix_openpt") }
        do {
            guard LibC.grantpt(master) == 0 else { throw VirtualPrinterError("grantpt") }
            guard LibC.unlockpt(master) == 0 else { throw VirtualPrinterError("unlockpt") }
            var name = [CChar](repeating: 0, count: 128)
            let status = LibC.ptsnameR(master, &name, name.count)
            guard status == 0 else { throw VirtualPrinterError("ptsname_r", code: status) }
            let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)

            let slave = Glibc.open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard slave >= 0 else { throw VirtualPrinterError("open \(path)") }
            defer { close(slave) }
            var settings = termios()
            guard tcgetattr(slave, &settings) == 0 else { throw VirtualPrinterError("tcgetattr") }
            cfmakeraw(&settings)
            settings.c_cflag |= tcflag_t(CLOCAL | CREAD)
            withUnsafeMutableBytes(of: &settings.c_cc) { controlCharacters in
                controlCharacters[Int(VMIN)] = 1
                controlCharacters[Int(VTIME)] = 0
            }
            cfsetispeed(&settings, speed_t(B115200))
            cfsetospeed(&settings, speed_t(B115200))
            guard tcsetattr(slave, TCSANOW, &settings) == 0 else { throw VirtualPrinterError("tcsetattr") }
            return PseudoTerminal(masterDescriptor: master, devicePath: path)
        } catch {
            close(master)
            throw error
        }
    }
}

/// The `/dev/serial/by-id/…`-style link a configuration may ask for.
enum DeviceLink {
    static func create(at link: String, to target: String) throws {
        let directory = (link as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        unlink(link)
        guard symlink(target, link) == 0 else { throw VirtualPrinterError("symlink \(link)") }
    }

    /// Removes the link if it still points at `target` (another printer may have taken the name since).
    static func remove(at link: String, ifPointingTo target: String) {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink(link, &buffer, buffer.count - 1)
        guard length > 0 else { return }
        let destination = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if destination == target { unlink(link) }
    }
}
