import GCode
import Jobs

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
    public var info: PrinterInfoOverrides
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
        info: PrinterInfoOverrides = PrinterInfoOverrides()
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

/// build_volume decodes straight into the type the printer service and the firmware's M211 report use: the X, Y
/// and Z size of the space a printer can print in, in millimetres.
public typealias BuildVolume = Millimetres3
