/// USB IDs of printers, printer controllers and the USB-serial chips printer boards use.
///
/// Sources: the IDs Prusa firmware puts in its descriptors (Prusa-Firmware-Buddy's USBD_PID list and
/// the MK2/MK3 IDs Prusa's tools check), the usb.ids registry (Marlin 2.0 serial, Duet, Smoothieboard,
/// Arduino, CH340) and Klipper's documented default.
public struct KnownUSBDevice: Sendable, Equatable {
    public enum Role: String, Sendable, Equatable, Codable {
        /// A whole printer whose own firmware speaks G-code over USB.
        case printer
        /// A controller's native USB running G-code firmware (Marlin, RepRapFirmware, Smoothieware).
        case controller
        /// A microcontroller board used as a printer controller (Arduino Mega under RAMPS).
        case controllerBoard
        /// A USB-serial chip in front of a controller's UART (CH340 on Creality boards, FTDI, CP210x).
        case usbSerialBridge
        /// A Klipper MCU: speaks Klipper's binary protocol, not G-code.
        case klipperMCU
        /// A printer accessory on its own USB port (Prusa's multi-material unit), not a printer.
        case accessory
    }

    public let vendorID: String
    /// nil: any product of the vendor.
    public let productID: String?
    public let name: String
    public let role: Role
}

public enum KnownUSBDevices {
    public static let all: [KnownUSBDevice] = [
        // Prusa Research: the printers enumerate with their own IDs.
        .init(vendorID: "2c99", productID: "0001", name: "Original Prusa i3 MK2", role: .printer),
        .init(vendorID: "2c99", productID: "0002", name: "Original Prusa i3 MK3", role: .printer),
        .init(vendorID: "2c99", productID: "0003", name: "Prusa MMU (bootloader)", role: .accessory),
        .init(vendorID: "2c99", productID: "0004", name: "Prusa MMU", role: .accessory),
        .init(vendorID: "2c99", productID: "000c", name: "Original Prusa MINI", role: .printer),
        .init(vendorID: "2c99", productID: "000d", name: "Original Prusa MK4", role: .printer),
        .init(vendorID: "2c99", productID: "0010", name: "Original Prusa iX", role: .printer),
        .init(vendorID: "2c99", productID: "0011", name: "Original Prusa XL", role: .printer),
        .init(vendorID: "2c99", productID: "0017", name: "Original Prusa MK3.5", role: .printer),
        .init(vendorID: "2c99", productID: "001a", name: "Original Prusa MK4S", role: .printer),
        .init(vendorID: "2c99", productID: nil, name: "Prusa Research device", role: .printer),
        // OpenMoko's shared VID hosts several open-hardware firmwares.
        .init(vendorID: "1d50", productID: "6029", name: "Marlin 2 native USB (LPC176x/STM32 boards such as BigTreeTech SKR)", role: .controller),
        .init(vendorID: "1d50", productID: "60ec", name: "Duet (RepRapFirmware)", role: .controller),
        .init(vendorID: "1d50", productID: "6015", name: "Smoothieboard", role: .controller),
        .init(vendorID: "1d50", productID: "614e", name: "Klipper MCU", role: .klipperMCU),
        // STMicroelectronics' virtual COM port, which Marlin and RepRapFirmware use on STM32 boards.
        .init(vendorID: "0483", productID: "5740", name: "STM32 virtual COM port (Marlin on STM32 boards)", role: .controller),
        // Arduino Mega 2560 under a RAMPS shield is the classic RepRap controller.
        .init(vendorID: "2341", productID: "0010", name: "Arduino Mega 2560", role: .controllerBoard),
        .init(vendorID: "2341", productID: "0042", name: "Arduino Mega 2560 R3", role: .controllerBoard),
        .init(vendorID: "2341", productID: nil, name: "Arduino board", role: .controllerBoard),
        .init(vendorID: "2a03", productID: "0042", name: "Arduino Mega 2560 R3 (arduino.org)", role: .controllerBoard),
        .init(vendorID: "2a03", productID: nil, name: "Arduino board (arduino.org)", role: .controllerBoard),
        // USB-serial bridges: the printer's controller sits behind one on most 8-bit and many 32-bit boards.
        .init(vendorID: "1a86", productID: "7523", name: "CH340 USB-serial bridge (Creality and many other boards)", role: .usbSerialBridge),
        .init(vendorID: "1a86", productID: "7522", name: "CH340 USB-serial bridge", role: .usbSerialBridge),
        .init(vendorID: "0403", productID: "6001", name: "FTDI FT232 USB-serial bridge", role: .usbSerialBridge),
        .init(vendorID: "10c4", productID: "ea60", name: "Silicon Labs CP210x USB-serial bridge", role: .usbSerialBridge),
    ]

    /// The entry for `vendorID:productID`; an exact product match wins over a vendor-wide entry.
    public static func lookup(vendorID: String, productID: String?) -> KnownUSBDevice? {
        let vendor = vendorID.lowercased()
        let product = productID?.lowercased()
        if let product, let exact = all.first(where: { $0.vendorID == vendor && $0.productID == product }) {
            return exact
        }
        return all.first { $0.vendorID == vendor && $0.productID == nil }
    }
}
