import Jobs
import PrinterLink
import ThreeDPProtocol

/// `printer.info`: the device information of 3D-HSF-01.1 with the rules of HD-HLF-09..17 — every field a
/// string, empty where nobody says it, and a product name always present (HD-HLF-09 lets the agent make one).
/// For each field the owner's configuration wins, then what the firmware said (M115), then the USB interface.
public struct PrinterInfo: Sendable, Equatable {
    public var productName: String
    public var manufacturer: String
    public var modelNumber: String
    public var firmwareRevision: String
    public var serialNumber: String
    public var softwareRevision: String
    public var hardwareRevision: String
    public var partNumber: String
    public var protocolRevision: String
    public var systemID: String

    public init(identity: FirmwareIdentity?, usb: USBIdentity?, overrides: PrinterInfoOverrides = PrinterInfoOverrides(),
                portName: String) {
        let info = identity?.info
        func first(_ candidates: String?...) -> String {
            for candidate in candidates {
                if let value = candidate?.trimmingSpaces, !value.isEmpty { return value }
            }
            return ""
        }
        let made = "3D printer on \(portName)"
        productName = first(overrides.productName, info?.machineType, usb?.product, made)
        manufacturer = first(overrides.manufacturer, usb?.manufacturer)
        let usbModel = usb?.vendorID.flatMap { vendor in usb?.productID.map { "\(vendor):\($0)" } }
        modelNumber = first(overrides.modelNumber, usbModel)
        // RepRapFirmware names its version separately; Marlin and Prusa put it into FIRMWARE_NAME.
        let firmware = [info?.firmwareName, info?.firmwareVersion].compactMap { $0?.trimmingSpaces }
            .filter { !$0.isEmpty }.joined(separator: " ")
        firmwareRevision = first(overrides.firmwareRevision, firmware)
        serialNumber = first(overrides.serialNumber, usb?.serialNumber)
        softwareRevision = first(overrides.softwareRevision)
        hardwareRevision = first(overrides.hardwareRevision, info?["ELECTRONICS"])
        partNumber = first(overrides.partNumber)
        protocolRevision = first(overrides.protocolRevision, info?.protocolVersion)
        // Marlin builds that never set a UUID report all zeros: that identifies nothing.
        let uuid = first(info?.uuid)
        systemID = uuid.allSatisfy { $0 == "0" || $0 == "-" } ? "" : uuid
    }

    public var json: JSONValue {
        .object([
            "productName": .string(productName),
            "manufacturer": .string(manufacturer),
            "modelNumber": .string(modelNumber),
            "firmwareRevision": .string(firmwareRevision),
            "serialNumber": .string(serialNumber),
            "softwareRevision": .string(softwareRevision),
            "hardwareRevision": .string(hardwareRevision),
            "partNumber": .string(partNumber),
            "protocolRevision": .string(protocolRevision),
            "systemId": .string(systemID),
        ])
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
