/// What the printer's USB interface says about it (from udev), handed in by the wiring.
public struct USBIdentity: Sendable, Equatable {
    public var manufacturer: String?
    public var product: String?
    public var serialNumber: String?
    public var vendorID: String?
    public var productID: String?

    public init(manufacturer: String? = nil, product: String? = nil, serialNumber: String? = nil,
                vendorID: String? = nil, productID: String? = nil) {
        self.manufacturer = manufacturer
        self.product = product
        self.serialNumber = serialNumber
        self.vendorID = vendorID
        self.productID = productID
    }
}

/// Values the owner sets in the configuration because the printer does not say them (or says them wrong).
public struct PrinterInfoOverrides: Sendable, Equatable, Codable {
    public var productName: String?
    public var manufacturer: String?
    public var modelNumber: String?
    public var firmwareRevision: String?
    public var serialNumber: String?
    public var softwareRevision: String?
    public var hardwareRevision: String?
    public var partNumber: String?
    public var protocolRevision: String?

    public init(productName: String? = nil, manufacturer: String? = nil, modelNumber: String? = nil,
                firmwareRevision: String? = nil, serialNumber: String? = nil, softwareRevision: String? = nil,
                hardwareRevision: String? = nil, partNumber: String? = nil, protocolRevision: String? = nil) {
        self.productName = productName
        self.manufacturer = manufacturer
        self.modelNumber = modelNumber
        self.firmwareRevision = firmwareRevision
        self.serialNumber = serialNumber
        self.softwareRevision = softwareRevision
        self.hardwareRevision = hardwareRevision
        self.partNumber = partNumber
        self.protocolRevision = protocolRevision
    }
}
