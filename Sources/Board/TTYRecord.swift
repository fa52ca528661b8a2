/// What udev and sysfs say about one tty, gathered by `SerialDeviceEnumerator` and turned into a
/// `SerialDevice` here without further I/O.
struct TTYRecord: Equatable {
    /// The kernel's name: ttyACM0, ttyUSB0, ttyS0, ttyAMA0, tty1…
    var kernelName: String
    /// /dev/ttyACM0; nil for ttys without a node.
    var deviceNode: String?
    /// Properties of the device: the uevent ones always, the ID_* ones only when udevd has
    /// processed the device (a container without udevd has none).
    var properties: [String: String] = [:]
    /// Attributes of the USB device the tty hangs off (idVendor, idProduct, manufacturer, product,
    /// serial); nil when the tty is not on USB.
    var usbAttributes: [String: String]?
    /// The driver bound to the tty's parent device (cdc_acm, ftdi_sio, ch341, port, serial8250…).
    var parentDriver: String?
    /// False for virtual terminals (tty0…tty63, console, ptmx), which have no device behind them.
    var hasHardwareParent: Bool
    /// The 8250 driver's "type" attribute; "0" means no UART answered at that port address.
    var uartType: String?

    var isUSB: Bool {
        usbAttributes != nil
    }

    /// ttyACM* (CDC-ACM: native-USB controllers) and ttyUSB* (USB-serial bridges).
    var hasUSBSerialName: Bool {
        kernelName.hasPrefix("ttyACM") || kernelName.hasPrefix("ttyUSB")
    }

    /// Whether `list` shows this tty: USB serial ports always; other hardware ports (on-board UARTs)
    /// only when asked; never virtual terminals or 8250 placeholders with no UART behind them.
    func isListed(includeNonUSB: Bool) -> Bool {
        guard deviceNode != nil else { return false }
        if isUSB || hasUSBSerialName { return true }
        guard includeNonUSB, hasHardwareParent else { return false }
        return uartType != "0"
    }

    /// The device, with links from DEVLINKS when udev recorded them, else from `linksFound`
    /// (a scan of /dev/serial, for systems whose udev database this process cannot read).
    func serialDevice(linksFound: (String) -> DeviceLinks) -> SerialDevice? {
        guard let node = deviceNode else { return nil }
        let links = properties["DEVLINKS"].map(DeviceLinks.init(devlinks:)) ?? linksFound(node)

        let usb = usbAttributes ?? [:]
        let vendorID = (properties["ID_VENDOR_ID"] ?? usb["idVendor"]).flatMap(UdevText.meaningful)?.lowercased()
        let productID = (properties["ID_MODEL_ID"] ?? usb["idProduct"]).flatMap(UdevText.meaningful)?.lowercased()
        let manufacturer = UdevText.meaningful(properties["ID_VENDOR_ENC"].map(UdevText.decode))
            ?? UdevText.meaningful(usb["manufacturer"])
            ?? UdevText.meaningful(properties["ID_VENDOR"])
        let product = UdevText.meaningful(properties["ID_MODEL_ENC"].map(UdevText.decode))
            ?? UdevText.meaningful(usb["product"])
            ?? UdevText.meaningful(properties["ID_MODEL"])
        let serial = UdevText.meaningful(properties["ID_SERIAL_SHORT"]) ?? UdevText.meaningful(usb["serial"])
        let driver = UdevText.meaningful(properties["ID_USB_DRIVER"]) ?? UdevText.meaningful(parentDriver)

        let onUSB = isUSB || vendorID != nil
        let verdict = PrinterLikelihood.assess(
            usbVendorID: onUSB ? vendorID : nil,
            usbProductID: productID,
            manufacturer: manufacturer,
            product: product
        )
        return SerialDevice(
            devicePath: node,
            byIdPaths: links.byId,
            byPathPaths: links.byPath,
            driver: driver,
            usbVendorID: onUSB ? vendorID : nil,
            usbProductID: onUSB ? productID : nil,
            manufacturer: manufacturer,
            product: product,
            serialNumber: serial,
            knownAs: verdict.knownAs,
            likelyPrinter: verdict.likely,
            likelyPrinterReason: verdict.reason
        )
    }
}
