import Board
import AgentConfig
import Foundation
import GCode
import Jobs
import PrinterLink

/// Which printers the daemon serves: those listed in the configuration, or, when none are, every USB serial port
/// that udev says is probably a printer (a Klipper MCU or a modem is left alone).
enum PrinterRoster {
    static func settings(for entry: PrinterEntry, configuration: AgentConfiguration) -> PrinterServiceSettings {
        var link = LinkSettings()
        link.maxLinesInFlight = entry.maxLinesInFlight
        link.ackTimeout = entry.ackTimeout
        link.lineBytesPerSecond = Double(entry.baud) / 10
        return PrinterServiceSettings(
            serviceId: entry.id, name: entry.name, portPath: entry.port, baudRate: entry.baud, link: link,
            overrides: entry.info,
            buildVolume: entry.buildVolume,
            reconnectInterval: configuration.printers.reconnectInterval, slicerProfile: entry.slicerProfile)
    }

    static func settings(for device: SerialDevice, configuration: AgentConfiguration) -> PrinterServiceSettings {
        var link = LinkSettings()
        link.lineBytesPerSecond = Double(configuration.printers.baud) / 10
        return PrinterServiceSettings(
            serviceId: ServiceIdentity.id(for: device), portPath: device.stablePath,
            baudRate: configuration.printers.baud, link: link,
            usb: USBIdentity(manufacturer: device.manufacturer, product: device.product,
                             serialNumber: device.serialNumber, vendorID: device.usbVendorID,
                             productID: device.usbProductID),
            reconnectInterval: configuration.printers.reconnectInterval)
    }

    /// The likely printers attached now.
    static func detected(configuration: AgentConfiguration) throws -> [PrinterServiceSettings] {
        try SerialDeviceEnumerator.list().filter(\.likelyPrinter).map { settings(for: $0, configuration: configuration) }
    }
}
