#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Board

/// These run libudev on the machine the tests run on, which may have no USB serial device at all:
/// they check what must hold for whatever is found.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SerialDeviceEnumeratorTests {
    @Test func listsWithoutThrowingAndEveryPathIsACharacterDevice() throws {
        let usbOnly = try SerialDeviceEnumerator.list()
        let all = try SerialDeviceEnumerator.list(includeNonUSB: true)

        #expect(Set(usbOnly.map(\.devicePath)).isSubset(of: Set(all.map(\.devicePath))))
        #expect(Set(all.map(\.devicePath)).count == all.count)
        for device in all {
            var status = stat()
            #expect(stat(device.devicePath, &status) == 0, "\(device.devicePath) does not exist")
            #expect(status.st_mode & S_IFMT == S_IFCHR, "\(device.devicePath) is not a character device")
            for link in device.byIdPaths + device.byPathPaths {
                #expect(access(link, F_OK) == 0, "\(link) does not exist")
            }
            if let vendor = device.usbVendorID {
                #expect(vendor.count == 4 && vendor.allSatisfy(\.isHexDigit))
            }
            #expect(!device.likelyPrinterReason.isEmpty)
        }
        for device in usbOnly {
            let name = device.devicePath.split(separator: "/").last.map(String.init) ?? ""
            #expect(device.isUSB || name.hasPrefix("ttyACM") || name.hasPrefix("ttyUSB"))
        }
        #expect(all.map(\.devicePath) == all.sorted(by: SerialDevice.naturalOrder).map(\.devicePath))
    }

    @Test func seesTheTTYSubsystemButNeverListsVirtualTerminals() throws {
        let records = try SerialDeviceEnumerator.records()
        // /dev/tty, the controlling terminal, exists on every Linux system.
        let controllingTerminal = try #require(records.first { $0.kernelName == "tty" })
        #expect(!controllingTerminal.hasHardwareParent)
        #expect(!controllingTerminal.isListed(includeNonUSB: true))
        let listed = try SerialDeviceEnumerator.list(includeNonUSB: true).map(\.devicePath)
        #expect(!listed.contains("/dev/tty"))
        #expect(!listed.contains("/dev/console"))
        #expect(!listed.contains("/dev/ptmx"))
    }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct SerialLinkDirectoryTests {
    @Test func findsTheLinksThatLeadToADeviceNode() throws {
        var template = Array("/tmp/serial-links-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        let printer = directory + "/ttyACM0"
        let other = directory + "/ttyUSB0"
        for node in [printer, other] {
            let fd = open(node, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
            #expect(fd >= 0)
            close(fd)
        }
        let links = [
            ("usb-Prusa_Research__prusa3d.com__Original_Prusa_MK4_10589-if00", "ttyACM0"),
            ("usb-1a86_USB2.0-Serial-if00-port0", "ttyUSB0"),
            ("usb-relative-link-if00", "./ttyACM0"),
        ]
        for (name, target) in links {
            #expect(symlink(target, directory + "/" + name) == 0)
        }
        defer {
            for (name, _) in links { unlink(directory + "/" + name) }
            unlink(printer)
            unlink(other)
            rmdir(directory)
        }
        #expect(SerialLinkDirectory.links(in: directory, resolvingTo: printer) == [
            printer,
            directory + "/usb-Prusa_Research__prusa3d.com__Original_Prusa_MK4_10589-if00",
            directory + "/usb-relative-link-if00",
        ].sorted())
        #expect(SerialLinkDirectory.links(in: directory + "/missing", resolvingTo: printer) == [])
    }
}
