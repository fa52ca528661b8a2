@testable import AgentConfig
import Testing
@testable import Board

struct ConfigurationServiceIdentityTests {
    struct Case: Sendable, CustomStringConvertible {
        var device: SerialDevice
        var id: String
        var description: String { id }
    }

    static let cases: [Case] = [
        // A serial number follows the printer to any USB socket.
        Case(device: SerialDevice(
            devicePath: "/dev/ttyACM0",
            byPathPaths: ["/dev/serial/by-path/platform-3f980000.usb-usb-0:1.2:1.0"],
            usbVendorID: "2c99", usbProductID: "0002", serialNumber: "CZPX1234",
            likelyPrinter: true, likelyPrinterReason: "Prusa"),
             id: "2c99-0002-CZPX1234"),
        Case(device: SerialDevice(
            devicePath: "/dev/ttyACM1", usbVendorID: "1d50", usbProductID: "6029", serialNumber: "06001016 AF0C/3C5A",
            likelyPrinter: true, likelyPrinterReason: "Marlin"),
             id: "1d50-6029-06001016_AF0C_3C5A"),
        Case(device: SerialDevice(
            devicePath: "/dev/ttyACM1", usbVendorID: "0483", usbProductID: "5740",
            serialNumber: String(repeating: "9", count: 80), likelyPrinter: true, likelyPrinterReason: "STM32"),
             id: "0483-5740-" + String(repeating: "9", count: 54)),
        // A CH340 has no serial number: the USB socket is what tells two identical printers apart.
        Case(device: SerialDevice(
            devicePath: "/dev/ttyUSB0",
            byPathPaths: ["/dev/serial/by-path/platform-3f980000.usb-usb-0:1.2:1.0-port0"],
            usbVendorID: "1a86", usbProductID: "7523", serialNumber: "  ",
            likelyPrinter: true, likelyPrinterReason: "CH340"),
             id: "platform-3f980000.usb-usb-0_1.2_1.0-port0"),
        Case(device: SerialDevice(
            devicePath: "/dev/ttyUSB1",
            byPathPaths: ["/dev/serial/by-path/platform-fd500000.pcie-pci-0000:01:00.0-usb-0:1.3.4.2.1:1.0-port0"],
            usbVendorID: "1a86", usbProductID: "7523", likelyPrinter: true, likelyPrinterReason: "CH340"),
             // 65 characters: the start goes, the USB port numbers at the end stay.
             id: "latform-fd500000.pcie-pci-0000_01_00.0-usb-0_1.3.4.2.1_1.0-port0"),
        // Nothing from USB: the device node.
        Case(device: SerialDevice(devicePath: "/dev/ttyAMA0", likelyPrinter: false, likelyPrinterReason: "UART"),
             id: "ttyAMA0"),
    ]

    @Test(arguments: cases)
    func derivesAStableValidId(_ example: Case) {
        let id = ServiceIdentity.id(for: example.device)
        #expect(id == example.id)
        #expect(ServiceIdentity.isValid(id))
    }

    @Test(arguments: [
        ("mk3s", true), ("2c99-0002-CZPX1234", true), ("a.b_c-d", true), (String(repeating: "x", count: 64), true),
        ("", false), (String(repeating: "x", count: 65), false), ("my printer", false), ("a/b", false),
        ("drucker-küche", false), (".", false), ("..", false), ("...", true),
    ])
    func checksThePattern(_ id: String, _ valid: Bool) {
        #expect(ServiceIdentity.isValid(id) == valid)
    }
}
