import Testing
@testable import Board

// Records as udev and sysfs present them for real printers; the strings are the ones these boards
// put in their USB descriptors (their /dev/serial/by-id names show them).

private let prusaMK3WithUdevDatabase = TTYRecord(
    kernelName: "ttyACM0",
    deviceNode: "/dev/ttyACM0",
    properties: [
        "DEVNAME": "/dev/ttyACM0",
        "DEVLINKS": "/dev/serial/by-path/platform-3f980000.usb-usb-0:1.2:1.0 "
            + "/dev/serial/by-id/usb-Prusa_Research__prusa3d.com__Original_Prusa_i3_MK3_CZPX1017X003XK12345-if00 "
            + "/dev/3dprinter/2c99-CZPX1017X003XK12345",
        "ID_VENDOR": "Prusa_Research__prusa3d.com_",
        "ID_VENDOR_ENC": "Prusa\\x20Research\\x20\\x28prusa3d.com\\x29",
        "ID_VENDOR_ID": "2c99",
        "ID_MODEL": "Original_Prusa_i3_MK3",
        "ID_MODEL_ENC": "Original\\x20Prusa\\x20i3\\x20MK3",
        "ID_MODEL_ID": "0002",
        "ID_SERIAL_SHORT": "CZPX1017X003XK12345",
        "ID_USB_DRIVER": "cdc_acm",
    ],
    usbAttributes: [
        "idVendor": "2c99", "idProduct": "0002", "manufacturer": "Prusa Research (prusa3d.com)",
        "product": "Original Prusa i3 MK3", "serial": "CZPX1017X003XK12345",
    ],
    parentDriver: "cdc_acm",
    hasHardwareParent: true
)

/// An Ender-3 (CH340 bridge, no serial number) seen from a container without udevd: only uevent
/// properties, so everything comes from sysfs and the links from the /dev/serial scan.
private let enderWithoutUdevDatabase = TTYRecord(
    kernelName: "ttyUSB0",
    deviceNode: "/dev/ttyUSB0",
    properties: ["DEVNAME": "/dev/ttyUSB0", "MAJOR": "188", "MINOR": "0"],
    usbAttributes: ["idVendor": "1a86", "idProduct": "7523", "product": "USB2.0-Serial"],
    parentDriver: "ch341",
    hasHardwareParent: true
)

private let marlinNativeUSB = TTYRecord(
    kernelName: "ttyACM1",
    deviceNode: "/dev/ttyACM1",
    properties: [:],
    usbAttributes: [
        "idVendor": "1d50", "idProduct": "6029", "manufacturer": "marlinfw.org",
        "product": "Marlin USB Device", "serial": "06001016AF0C3C5A",
    ],
    parentDriver: "cdc_acm",
    hasHardwareParent: true
)

private let klipperMCU = TTYRecord(
    kernelName: "ttyACM2",
    deviceNode: "/dev/ttyACM2",
    usbAttributes: [
        "idVendor": "1d50", "idProduct": "614e", "manufacturer": "Klipper", "product": "stm32f446xx",
        "serial": "300024000951313133353932",
    ],
    parentDriver: "cdc_acm",
    hasHardwareParent: true
)

private let onBoardUART = TTYRecord(
    kernelName: "ttyS0", deviceNode: "/dev/ttyS0", parentDriver: "serial", hasHardwareParent: true, uartType: "4")
private let placeholderUART = TTYRecord(
    kernelName: "ttyS3", deviceNode: "/dev/ttyS3", parentDriver: "port", hasHardwareParent: true, uartType: "0")
private let raspberryPiUART = TTYRecord(
    kernelName: "ttyAMA0", deviceNode: "/dev/ttyAMA0", parentDriver: "uart-pl011", hasHardwareParent: true)
private let virtualTerminal = TTYRecord(kernelName: "tty1", deviceNode: "/dev/tty1", hasHardwareParent: false)

struct TTYRecordTests {
    @Test(arguments: [
        (prusaMK3WithUdevDatabase, true, true),
        (enderWithoutUdevDatabase, true, true),
        (marlinNativeUSB, true, true),
        (klipperMCU, true, true),
        (onBoardUART, false, true),
        (raspberryPiUART, false, true),
        (placeholderUART, false, false),
        (virtualTerminal, false, false),
        (TTYRecord(kernelName: "ttyACM5", deviceNode: nil, hasHardwareParent: true), false, false),
    ])
    func listsUSBPortsAlwaysAndUARTsOnRequest(record: TTYRecord, byDefault: Bool, withNonUSB: Bool) {
        #expect(record.isListed(includeNonUSB: false) == byDefault)
        #expect(record.isListed(includeNonUSB: true) == withNonUSB)
    }

    @Test func readsEverythingFromTheUdevDatabase() throws {
        let device = try #require(prusaMK3WithUdevDatabase.serialDevice(linksFound: { _ in
            Issue.record("DEVLINKS was there; the link directories must not be scanned")
            return DeviceLinks(byId: [], byPath: [])
        }))
        #expect(device == SerialDevice(
            devicePath: "/dev/ttyACM0",
            byIdPaths: ["/dev/serial/by-id/usb-Prusa_Research__prusa3d.com__Original_Prusa_i3_MK3_CZPX1017X003XK12345-if00"],
            byPathPaths: ["/dev/serial/by-path/platform-3f980000.usb-usb-0:1.2:1.0"],
            driver: "cdc_acm",
            usbVendorID: "2c99",
            usbProductID: "0002",
            manufacturer: "Prusa Research (prusa3d.com)",
            product: "Original Prusa i3 MK3",
            serialNumber: "CZPX1017X003XK12345",
            knownAs: "Original Prusa i3 MK3",
            likelyPrinter: true,
            likelyPrinterReason: "Original Prusa i3 MK3 (2c99:0002)"
        ))
        #expect(device.usbID == "2c99:0002")
        #expect(device.stablePath.hasPrefix("/dev/serial/by-id/usb-Prusa_Research"))
    }

    @Test func fallsBackToSysfsAndTheLinkDirectoriesWithoutUdevDatabase() throws {
        let byId = "/dev/serial/by-id/usb-1a86_USB2.0-Serial-if00-port0"
        var scanned: [String] = []
        let device = try #require(enderWithoutUdevDatabase.serialDevice(linksFound: { node in
            scanned.append(node)
            return DeviceLinks(byId: [byId], byPath: [])
        }))
        #expect(scanned == ["/dev/ttyUSB0"])
        #expect(device.byIdPaths == [byId])
        #expect(device.usbID == "1a86:7523")
        #expect(device.driver == "ch341")
        #expect(device.manufacturer == nil)
        #expect(device.product == "USB2.0-Serial")
        #expect(device.serialNumber == nil)
        #expect(device.likelyPrinter)
        #expect(device.likelyPrinterReason.contains("CH340"))
    }

    @Test func onBoardUARTHasNoUSBIdentity() throws {
        let device = try #require(onBoardUART.serialDevice(linksFound: { _ in DeviceLinks(byId: [], byPath: []) }))
        #expect(device.usbVendorID == nil)
        #expect(device.usbID == nil)
        #expect(device.driver == "serial")
        #expect(!device.likelyPrinter)
        #expect(device.stablePath == "/dev/ttyS0")
    }

    @Test func klipperBoardsAreRecognisedButNotOffered() throws {
        let device = try #require(klipperMCU.serialDevice(linksFound: { _ in DeviceLinks(byId: [], byPath: []) }))
        #expect(!device.likelyPrinter)
        #expect(device.knownAs == "Klipper MCU")
        #expect(device.likelyPrinterReason.contains("not G-code"))
    }
}

struct PrinterLikelihoodTests {
    @Test(arguments: [
        ("2c99", "0002", nil, nil, true, "Original Prusa i3 MK3"),
        ("2C99", "000D", nil, nil, true, "Original Prusa MK4"),
        ("2c99", "0099", nil, nil, true, "Prusa Research device"),
        ("2c99", "0004", nil, nil, false, "Prusa MMU"),
        ("1d50", "6029", "marlinfw.org", "Marlin USB Device", true, "Marlin 2 native USB"),
        ("1d50", "60ec", nil, nil, true, "Duet"),
        ("1d50", "614e", "Klipper", "stm32h723xx", false, "Klipper"),
        ("0483", "5740", nil, nil, true, "STM32"),
        ("2341", "0042", nil, nil, true, "Arduino Mega 2560 R3"),
        ("2341", "8036", nil, nil, true, "Arduino board"),
        ("2a03", "0042", nil, nil, true, "Arduino Mega 2560 R3"),
        ("1a86", "7523", nil, "USB2.0-Serial", true, "CH340"),
        ("0403", "6001", "FTDI", "FT232R USB UART", true, "FTDI"),
        ("10c4", "ea60", nil, nil, true, "CP210x"),
        ("1234", "5678", "ACME", "Creality 3D Printer", true, "names a printer"),
        ("1234", "5678", "u-blox AG", "u-blox GNSS receiver", false, "unknown USB serial device 1234:5678"),
        (nil, nil, nil, nil, false, "not USB"),
    ] as [(String?, String?, String?, String?, Bool, String)])
    func judgesPorts(
        vendor: String?, product: String?, manufacturerName: String?, productName: String?,
        likely: Bool, reasonMentions: String
    ) {
        let verdict = PrinterLikelihood.assess(
            usbVendorID: vendor, usbProductID: product, manufacturer: manufacturerName, product: productName)
        #expect(verdict.likely == likely)
        #expect(verdict.reason.contains(reasonMentions), "\(verdict.reason)")
    }

    @Test func exactProductBeatsVendorWideEntry() {
        #expect(KnownUSBDevices.lookup(vendorID: "2341", productID: "0010")?.name == "Arduino Mega 2560")
        #expect(KnownUSBDevices.lookup(vendorID: "2341", productID: "0001")?.name == "Arduino board")
        #expect(KnownUSBDevices.lookup(vendorID: "1a86", productID: "5523") == nil)
        #expect(KnownUSBDevices.lookup(vendorID: "1d50", productID: nil) == nil)
    }

    @Test func tableHasOneEntryPerIDInCanonicalForm() {
        let keys = KnownUSBDevices.all.map { "\($0.vendorID):\($0.productID ?? "*")" }
        #expect(Set(keys).count == keys.count)
        for entry in KnownUSBDevices.all {
            #expect(entry.vendorID.count == 4 && entry.vendorID == entry.vendorID.lowercased())
            if let product = entry.productID {
                #expect(product.count == 4 && product == product.lowercased())
            }
        }
    }
}

struct DeviceLinksTests {
    @Test(arguments: [
        ("", [String](), [String]()),
        ("/dev/serial/by-id/usb-A-if00", ["/dev/serial/by-id/usb-A-if00"], []),
        (
            "/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0 /dev/serial/by-id/usb-B-if00 /dev/serial/by-id/usb-A-if00",
            ["/dev/serial/by-id/usb-A-if00", "/dev/serial/by-id/usb-B-if00"],
            ["/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0"]
        ),
        ("/dev/gps0 /dev/3dprinter/1a86-usb-0:1.2:1.0  /dev/serial/by-idx/x", [], []),
    ])
    func splitsDEVLINKS(devlinks: String, byId: [String], byPath: [String]) {
        let links = DeviceLinks(devlinks: devlinks)
        #expect(links.byId == byId)
        #expect(links.byPath == byPath)
    }

    @Test(arguments: [
        ("Prusa\\x20Research\\x20\\x28prusa3d.com\\x29", "Prusa Research (prusa3d.com)"),
        ("Original\\x20Prusa\\x20MK4", "Original Prusa MK4"),
        ("plain", "plain"),
        ("caf\\xc3\\xa9", "café"),
        ("trailing\\x2", "trailing\\x2"),
        ("not\\xZZhex", "not\\xZZhex"),
    ])
    func decodesUdevEncodedStrings(encoded: String, decoded: String) {
        #expect(UdevText.decode(encoded) == decoded)
    }

    @Test(arguments: [
        (String?.none, String?.none), ("", nil), ("   ", nil), ("  USB2.0-Serial \n", "USB2.0-Serial"),
    ])
    func dropsEmptyAndPaddedStrings(text: String?, meaningful: String?) {
        #expect(UdevText.meaningful(text) == meaningful)
    }
}

struct NaturalOrderTests {
    @Test(arguments: [
        ("/dev/ttyACM2", "/dev/ttyACM10", true),
        ("/dev/ttyACM10", "/dev/ttyACM2", false),
        ("/dev/ttyACM0", "/dev/ttyUSB0", true),
        ("/dev/ttyACM1", "/dev/ttyACM1", false),
        ("/dev/ttyS", "/dev/ttyS0", true),
        ("/dev/ttyS01", "/dev/ttyS2", true),
    ])
    func ordersNumbersByValue(left: String, right: String, precedes: Bool) {
        #expect(NaturalOrder.precedes(left, right) == precedes)
    }
}

struct SerialDeviceReportTests {
    private let prusa = SerialDevice(
        devicePath: "/dev/ttyACM0",
        byIdPaths: ["/dev/serial/by-id/usb-Prusa_Research__prusa3d.com__Original_Prusa_MK4_10589-if00"],
        byPathPaths: ["/dev/serial/by-path/platform-xhci-hcd.0-usb-0:1:1.0"],
        driver: "cdc_acm", usbVendorID: "2c99", usbProductID: "000d",
        manufacturer: "Prusa Research (prusa3d.com)", product: "Original Prusa MK4", serialNumber: "10589",
        knownAs: "Original Prusa MK4", likelyPrinter: true, likelyPrinterReason: "Original Prusa MK4 (2c99:000d)")
    private let uart = SerialDevice(
        devicePath: "/dev/ttyAMA0", driver: "uart-pl011", likelyPrinter: false,
        likelyPrinterReason: "on-board serial port (UART), not USB")

    @Test func saysPlainlyWhenNothingIsPluggedIn() {
        #expect(SerialDeviceReport.text(for: [], includesNonUSB: false)
            == "no USB serial devices found; is the printer plugged in and powered?\n")
        #expect(SerialDeviceReport.text(for: [], includesNonUSB: true).hasPrefix("no serial devices found"))
    }

    @Test func marksLikelyPrintersAndShowsTheirIdentity() {
        let text = SerialDeviceReport.text(for: [prusa, uart], includesNonUSB: true)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "* /dev/ttyACM0  2c99:000d  Prusa Research (prusa3d.com)  Original Prusa MK4  serial 10589")
        #expect(lines[1] == "    by-id:  /dev/serial/by-id/usb-Prusa_Research__prusa3d.com__Original_Prusa_MK4_10589-if00")
        #expect(lines[2] == "    driver: cdc_acm")
        #expect(lines[3] == "    printer: Original Prusa MK4 (2c99:000d)")
        #expect(lines[4] == "  /dev/ttyAMA0  not USB")
        #expect(!text.contains("by-path"))
        #expect(text.contains("* likely a 3D printer"))
    }

    @Test func showsTheByPathLinkWhenThereIsNoByIdLink() {
        var bridge = prusa
        bridge.byIdPaths = []
        let text = SerialDeviceReport.text(for: [bridge], includesNonUSB: false)
        #expect(text.contains("    by-path: /dev/serial/by-path/platform-xhci-hcd.0-usb-0:1:1.0"))
    }
}
