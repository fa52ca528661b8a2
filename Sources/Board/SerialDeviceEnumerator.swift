#if canImport(Glibc)
import Glibc
#endif
import CUdev

/// Lists the serial ports of this board through libudev.
public enum SerialDeviceEnumerator {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// libudev could not start (no /sys, out of memory).
        case udevUnavailable
        /// Scanning the tty subsystem failed with this errno.
        case scanFailed(errno: Int32)

        public var description: String {
            switch self {
            case .udevUnavailable:
                return "libudev is not available (is /sys mounted?)"
            case .scanFailed(let code):
                return "listing serial devices failed: \(String(cString: strerror(code)))"
            }
        }
    }

    /// The serial ports, USB ones only unless `includeNonUSB` (then on-board UARTs such as ttyS0 or
    /// ttyAMA0 too), in natural order of their device paths.
    public static func list(includeNonUSB: Bool = false) throws -> [SerialDevice] {
        try records()
            .filter { $0.isListed(includeNonUSB: includeNonUSB) }
            .compactMap { $0.serialDevice(linksFound: SerialLinkDirectory.links(to:)) }
            .sorted(by: SerialDevice.naturalOrder)
    }

    /// Every tty udev knows, read into plain values; every udev object is released before returning.
    static func records() throws -> [TTYRecord] {
        guard let udev = udev_new() else { throw Failure.udevUnavailable }
        defer { udev_unref(udev) }
        guard let enumeration = udev_enumerate_new(udev) else { throw Failure.udevUnavailable }
        defer { udev_enumerate_unref(enumeration) }

        var status = udev_enumerate_add_match_subsystem(enumeration, "tty")
        if status < 0 { throw Failure.scanFailed(errno: -status) }
        status = udev_enumerate_scan_devices(enumeration)
        if status < 0 { throw Failure.scanFailed(errno: -status) }

        var records: [TTYRecord] = []
        var entry = udev_enumerate_get_list_entry(enumeration)
        while let current = entry {
            entry = udev_list_entry_get_next(current)
            guard let syspath = udev_list_entry_get_name(current),
                  let device = udev_device_new_from_syspath(udev, syspath)
            else { continue }
            defer { udev_device_unref(device) }
            records.append(record(of: device))
        }
        return records
    }

    /// Reads one tty. Parents returned by libudev belong to the child and are not unreferenced.
    private static func record(of device: OpaquePointer) -> TTYRecord {
        let parent = udev_device_get_parent(device)
        let syspath = string(udev_device_get_syspath(device)) ?? ""
        let usbDevice = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device")
        return TTYRecord(
            kernelName: string(udev_device_get_sysname(device)) ?? "",
            deviceNode: string(udev_device_get_devnode(device)),
            properties: properties(of: device),
            usbAttributes: usbDevice.map { usb in
                var attributes: [String: String] = [:]
                for name in ["idVendor", "idProduct", "manufacturer", "product", "serial"] {
                    attributes[name] = string(udev_device_get_sysattr_value(usb, name))
                }
                return attributes
            },
            parentDriver: driverBehind(parent),
            // Virtual terminals, console and ptmx live under /sys/devices/virtual.
            hasHardwareParent: parent != nil && !syspath.contains("/devices/virtual/"),
            uartType: string(udev_device_get_sysattr_value(device, "type"))
        )
    }

    /// The driver of the hardware behind a tty. Since Linux 6.5 a UART's tty hangs off "port" and
    /// "ctrl" devices of the serial-base bus; the driver worth naming (serial8250, uart-pl011) is on
    /// the device above them.
    private static func driverBehind(_ parent: OpaquePointer?) -> String? {
        var ancestor = parent
        while let current = ancestor, string(udev_device_get_subsystem(current)) == "serial-base" {
            ancestor = udev_device_get_parent(current)
        }
        return ancestor.flatMap { string(udev_device_get_driver($0)) } ?? parent.flatMap {
            string(udev_device_get_driver($0))
        }
    }

    private static func properties(of device: OpaquePointer) -> [String: String] {
        var properties: [String: String] = [:]
        var entry = udev_device_get_properties_list_entry(device)
        while let current = entry {
            if let name = string(udev_list_entry_get_name(current)) {
                properties[name] = string(udev_list_entry_get_value(current)) ?? ""
            }
            entry = udev_list_entry_get_next(current)
        }
        return properties
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
