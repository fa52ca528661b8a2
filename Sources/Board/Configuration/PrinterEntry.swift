/// One [[printer]] of the configuration file: a port the agent serves as a printer service.
public struct PrinterEntry: Sendable, Equatable {
    /// The serviceId in 3DP-1; unique, ^[A-Za-z0-9._-]{1,64}$.
    public var id: String
    /// The serial port, best a /dev/serial/by-id/… link.
    public var port: String
    /// The entry's own baud or [printers].baud.
    public var baud: Int
    /// The display name; nil lets the agent use what the printer reports.
    public var name: String?
    /// Lines sent ahead of their `ok`, at most.
    public var maxLinesInFlight: Int
    /// How long an ordinary command may wait for its `ok` before the link is considered stuck.
    public var ackTimeout: Duration
    /// The print volume, for firmware that does not report it with M211.
    public var buildVolume: BuildVolume?
    /// printer.info answers for what the firmware does not say (or says wrongly).
    public var info: PrinterInfoFields
    /// A slicer profile laid over the generic one for this printer (slicer_profile).
    public var slicerProfile: String?

    public init(
        id: String,
        port: String,
        baud: Int = 115_200,
        name: String? = nil,
        maxLinesInFlight: Int = 4,
        ackTimeout: Duration = .seconds(3),
        buildVolume: BuildVolume? = nil,
        info: PrinterInfoFields = PrinterInfoFields()
    ) {
        self.id = id
        self.port = port
        self.baud = baud
        self.name = name
        self.maxLinesInFlight = maxLinesInFlight
        self.ackTimeout = ackTimeout
        self.buildVolume = buildVolume
        self.info = info
    }
}

/// The X, Y and Z size of the space a printer can print in, in millimetres.
public struct BuildVolume: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }
}

/// printer.info fields set in the configuration; nil where the printer's own answer stands.
public struct PrinterInfoFields: Sendable, Equatable {
    public var productName: String?
    public var manufacturer: String?
    public var modelNumber: String?
    public var firmwareRevision: String?
    public var serialNumber: String?
    public var softwareRevision: String?
    public var hardwareRevision: String?
    public var partNumber: String?
    public var protocolRevision: String?

    public init(
        productName: String? = nil,
        manufacturer: String? = nil,
        modelNumber: String? = nil,
        firmwareRevision: String? = nil,
        serialNumber: String? = nil,
        softwareRevision: String? = nil,
        hardwareRevision: String? = nil,
        partNumber: String? = nil,
        protocolRevision: String? = nil
    ) {
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
