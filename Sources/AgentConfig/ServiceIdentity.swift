import Board

/// The serviceId of a printer the agent found by itself: the same printer gets the same id after a re-plug or
/// a reboot, so Manager plug-ins keep their pairing and history with it.
public enum ServiceIdentity {
    public static let maximumLength = 64

    /// From the most stable thing USB offers:
    /// - vendor, product and serial number ("2c99-0002-CZPX1234"): follows the printer to any socket;
    /// - else the /dev/serial/by-path link ("platform-3f980000.usb-usb-0_1.2_1.0"): tied to the USB socket,
    ///   which is the best there is for boards without a serial number (CH340);
    /// - else the device node's name ("ttyAMA0").
    /// Characters outside [A-Za-z0-9._-] become '_'.
    public static func id(for device: SerialDevice) -> String {
        if let vendor = device.usbVendorID, let serial = device.serialNumber,
            serial.contains(where: { !$0.isWhitespace })
        {
            let product = device.usbProductID ?? "0000"
            // Keep the start: the vendor and product say what the printer is.
            return String(sanitized("\(vendor)-\(product)-\(serial)").prefix(maximumLength))
        }
        if let link = device.byPathPaths.first, let name = lastComponent(link) {
            // Keep the end: the USB port numbers that tell two sockets apart are there.
            return String(sanitized(name).suffix(maximumLength))
        }
        let node = lastComponent(device.devicePath) ?? device.devicePath
        let id = String(sanitized(node).suffix(maximumLength))
        return isValid(id) ? id : "printer"
    }

    /// Whether `id` may be a serviceId: ^[A-Za-z0-9._-]{1,64}$, and not "." or "..", which would name
    /// the wrong directory if an id is ever used in a path.
    public static func isValid(_ id: String) -> Bool {
        (1...maximumLength).contains(id.unicodeScalars.count)
            && id.unicodeScalars.allSatisfy(isAllowed)
            && id != "." && id != ".."
    }

    static func sanitized(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { isAllowed($0) ? $0 : "_" }))
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "." || scalar == "_" || scalar == "-"
    }

    private static func lastComponent(_ path: String) -> String? {
        path.split(separator: "/").last.map(String.init)
    }
}
