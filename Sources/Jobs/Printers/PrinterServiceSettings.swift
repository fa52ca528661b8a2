import GCode
import PrinterLink

/// How one printer is reached and described: from the configuration file or from udev.
public struct PrinterServiceSettings: Sendable, Equatable {
    /// Stable across restarts and re-plugging: Managers keep it.
    public var serviceId: String
    /// The name a Manager shows; the product name when nobody set one.
    public var name: String?
    public var portPath: String
    public var baudRate: Int
    public var link: LinkSettings
    public var usb: USBIdentity?
    public var overrides: PrinterInfoOverrides
    /// X, Y, Z in mm, for printers whose firmware does not report M211.
    public var buildVolume: Millimetres3?
    /// How long to wait before opening the port again after it could not be opened or went away.
    public var reconnectInterval: Duration
    /// A slicer profile for this printer, laid over the generic one (`slicer_profile`).
    public var slicerProfile: String?

    public init(serviceId: String, name: String? = nil, portPath: String, baudRate: Int = 115_200,
                link: LinkSettings = LinkSettings(), usb: USBIdentity? = nil,
                overrides: PrinterInfoOverrides = PrinterInfoOverrides(),
                buildVolume: Millimetres3? = nil, reconnectInterval: Duration = .seconds(2),
                slicerProfile: String? = nil) {
        self.serviceId = serviceId
        self.name = name
        self.portPath = portPath
        self.baudRate = baudRate
        self.link = link
        self.usb = usb
        self.overrides = overrides
        self.buildVolume = buildVolume
        self.reconnectInterval = reconnectInterval
        self.slicerProfile = slicerProfile
    }
}
