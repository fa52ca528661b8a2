/// The listing `3dp-agent devices` prints: one block per port, likely printers marked.
public enum SerialDeviceReport {
    public static func text(for devices: [SerialDevice], includesNonUSB: Bool) -> String {
        guard !devices.isEmpty else {
            let kind = includesNonUSB ? "serial" : "USB serial"
            return "no \(kind) devices found; is the printer plugged in and powered?\n"
        }
        var lines: [String] = []
        for device in devices {
            var head = "\(device.likelyPrinter ? "*" : " ") \(device.devicePath)"
            head += "  " + (device.usbID ?? "not USB")
            if let manufacturer = device.manufacturer { head += "  \(manufacturer)" }
            if let product = device.product { head += "  \(product)" }
            if let serial = device.serialNumber { head += "  serial \(serial)" }
            lines.append(head)
            for link in device.byIdPaths { lines.append("    by-id:  \(link)") }
            if device.byIdPaths.isEmpty {
                for link in device.byPathPaths { lines.append("    by-path: \(link)") }
            }
            if let driver = device.driver { lines.append("    driver: \(driver)") }
            lines.append("    \(device.likelyPrinter ? "printer" : "note"): \(device.likelyPrinterReason)")
        }
        lines.append("")
        if devices.contains(where: \.likelyPrinter) {
            lines.append("* likely a 3D printer. Give --port its by-id path: it stays the same across re-plugging.")
        } else {
            lines.append("none of these looks like a 3D printer.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
