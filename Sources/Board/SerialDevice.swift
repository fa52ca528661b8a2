/// A serial port found on this board, with what USB says about the device behind it.
public struct SerialDevice: Sendable, Equatable, Codable {
    /// The device node, e.g. /dev/ttyACM0. Its number can change between plug-ins.
    public var devicePath: String
    /// /dev/serial/by-id/… links: stable across reboots and ports, made from the USB strings.
    public var byIdPaths: [String]
    /// /dev/serial/by-path/… links: stable for a given physical USB socket.
    public var byPathPaths: [String]
    /// The kernel driver: cdc_acm (native USB controllers), ch341, ftdi_sio, cp210x, serial8250…
    public var driver: String?
    /// USB vendor ID as four lowercase hex digits, e.g. "2c99"; nil when the port is not on USB.
    public var usbVendorID: String?
    /// USB product ID as four lowercase hex digits, e.g. "0002".
    public var usbProductID: String?
    public var manufacturer: String?
    /// The USB product string (the model), e.g. "Original Prusa i3 MK3".
    public var product: String?
    public var serialNumber: String?
    /// The controller or chip this vendor:product is known as, when it is in `KnownUSBDevices`.
    public var knownAs: String?
    /// Whether this is probably a 3D printer's controller that speaks G-code.
    public var likelyPrinter: Bool
    /// Why `likelyPrinter` is what it is, in words for the user.
    public var likelyPrinterReason: String

    public init(
        devicePath: String,
        byIdPaths: [String] = [],
        byPathPaths: [String] = [],
        driver: String? = nil,
        usbVendorID: String? = nil,
        usbProductID: String? = nil,
        manufacturer: String? = nil,
        product: String? = nil,
        serialNumber: String? = nil,
        knownAs: String? = nil,
        likelyPrinter: Bool,
        likelyPrinterReason: String
    ) {
        self.devicePath = devicePath
        self.byIdPaths = byIdPaths
        self.byPathPaths = byPathPaths
        self.driver = driver
        self.usbVendorID = usbVendorID
        self.usbProductID = usbProductID
        self.manufacturer = manufacturer
        self.product = product
        self.serialNumber = serialNumber
        self.knownAs = knownAs
        self.likelyPrinter = likelyPrinter
        self.likelyPrinterReason = likelyPrinterReason
    }

    public var isUSB: Bool {
        usbVendorID != nil
    }

    /// "2c99:0002", or nil when the port is not on USB.
    public var usbID: String? {
        guard let vendor = usbVendorID else { return nil }
        return "\(vendor):\(usbProductID ?? "????")"
    }

    /// The path to put in a configuration: the by-id link survives re-plugging and reboots, the
    /// ttyACM number does not.
    public var stablePath: String {
        byIdPaths.first ?? devicePath
    }
}

extension SerialDevice {
    /// Orders ports as a person expects: ttyACM2 before ttyACM10.
    static func naturalOrder(_ left: SerialDevice, _ right: SerialDevice) -> Bool {
        NaturalOrder.precedes(left.devicePath, right.devicePath)
    }
}

enum NaturalOrder {
    /// Compares runs of digits by value and everything else byte by byte.
    static func precedes(_ left: String, _ right: String) -> Bool {
        var a = Array(left.utf8)[...]
        var b = Array(right.utf8)[...]
        while let x = a.first, let y = b.first {
            if isDigit(x) && isDigit(y) {
                let numberA = a.prefix(while: isDigit)
                let numberB = b.prefix(while: isDigit)
                let valueA = numberA.drop(while: { $0 == UInt8(ascii: "0") })
                let valueB = numberB.drop(while: { $0 == UInt8(ascii: "0") })
                if valueA.count != valueB.count { return valueA.count < valueB.count }
                if !valueA.elementsEqual(valueB) { return valueA.lexicographicallyPrecedes(valueB) }
                a = a.dropFirst(numberA.count)
                b = b.dropFirst(numberB.count)
            } else {
                if x != y { return x < y }
                a = a.dropFirst()
                b = b.dropFirst()
            }
        }
        return a.isEmpty && !b.isEmpty
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
