import GCode
/// How a virtual printer is built: the options a Marlin build fixes at compile time, the wire it sits behind and the
/// faults it injects. The defaults are a stock Marlin 2.1 build on an Arduino-style board (one that resets when the
/// port opens), with an unthrottled link and no injected faults.
public struct VirtualPrinterConfiguration: Sendable, Equatable {
    /// The printable volume in millimetres, reported by M211 and used as the soft-endstop maximum.
    public typealias BuildVolume = Millimetres3

    /// Probability, per line, that a line is corrupted on its way; each direction has its own.
    public struct ErrorRates: Sendable, Equatable {
        /// Lines the host sends: one bit flipped or one byte lost before the firmware parses the line.
        public var hostToPrinter: Double
        /// Lines the firmware sends: one bit flipped or one byte lost before the host reads the line.
        public var printerToHost: Double
        public init(hostToPrinter: Double = 0, printerToHost: Double = 0) {
            self.hostToPrinter = hostToPrinter
            self.printerToHost = printerToHost
        }
        public static let none = ErrorRates()
    }

    /// BUFSIZE: commands queued before the firmware stops reading its receive buffer. Marlin's default is 4.
    public var commandBufferSize: Int
    /// RX_BUFFER_SIZE: bytes the serial receive buffer holds; bytes that arrive while it is full are lost. Default 128.
    public var receiveBufferSize: Int
    /// ADVANCED_OK: every `ok` carries `N<line> P<free planner blocks> B<free command slots>`. Default off.
    public var advancedOK: Bool
    /// The emulated link speed in baud (8N1, so baud/10 bytes per second each way); nil for an unthrottled link.
    public var baudRate: Int?
    /// Whether `Resend:` is followed by `ok`, as Marlin does; some firmwares send only `Resend:`. Default true.
    public var okAfterResend: Bool
    /// EMERGENCY_PARSER: M108, M112, M410 and M876 act as soon as their bytes arrive. Default true.
    public var emergencyParser: Bool
    /// AUTO_REPORT_TEMPERATURES: M155 exists and is announced as `Cap:AUTOREPORT_TEMP:1`. Default true.
    public var autoreportTemperature: Bool
    /// The controller resets (and greets with `start`) whenever the host opens the port, as boards whose USB-serial
    /// chip wires DTR to reset do. False is a native-USB board that stays silent until spoken to. Default true.
    public var resetOnOpen: Bool
    /// How much faster than real time the firmware's clock runs: heaters, dwells, homing, probing, keep-alive and
    /// report intervals. 20 makes a 100-second heat-up take 5 seconds. Default 1.
    public var timeScale: Double
    /// Nil (the default) executes moves instantly, so a benchmark measures the protocol alone. A value makes each
    /// move take its length over its feed rate, divided by this factor, through a 16-block planner.
    public var moveTimeScale: Double?
    /// Seconds (on the firmware clock) that M109/M190 keep waiting once the temperature is within a degree of the
    /// target: Marlin's TEMP_RESIDENCY_TIME. Default 10.
    public var temperatureResidency: Double
    /// Seconds (on the firmware clock) that G28 takes. Default 3.
    public var homingDuration: Double
    /// Seconds (on the firmware clock) that G29 takes. Default 10.
    public var probingDuration: Double
    /// Number of hotends (EXTRUDERS). Default 1.
    public var hotendCount: Int
    public var buildVolume: BuildVolume
    /// MACHINE_TYPE in the M115 report.
    public var machineType: String
    /// UUID in the M115 report.
    public var uuid: String
    public var errorRate: ErrorRates
    /// Seed of the fault-injection generators, so that a run with faults can be replayed exactly.
    public var seed: UInt64
    /// A file that receives every executed command, one per line, in order.
    public var logFile: String?
    /// A symbolic link created to the pseudo-terminal (like `/dev/serial/by-id/usb-…`) and removed on stop or unplug.
    public var byIdLink: String?
    /// Whether executed commands are kept in memory for `executedCommands`. A benchmark streaming millions of lines
    /// turns this off and checks `executedDigest` instead. Default true.
    public var recordsCommands: Bool

    public init(
        commandBufferSize: Int = 4,
        receiveBufferSize: Int = 128,
        advancedOK: Bool = false,
        baudRate: Int? = nil,
        okAfterResend: Bool = true,
        emergencyParser: Bool = true,
        autoreportTemperature: Bool = true,
        resetOnOpen: Bool = true,
        timeScale: Double = 1,
        moveTimeScale: Double? = nil,
        temperatureResidency: Double = 10,
        homingDuration: Double = 3,
        probingDuration: Double = 10,
        hotendCount: Int = 1,
        buildVolume: BuildVolume = BuildVolume(x: 220, y: 220, z: 250),
        machineType: String = "Virtual Marlin",
        uuid: String = "3d9a6e1c-0b5f-4c7e-9a41-5f0d2c8e7b13",
        errorRate: ErrorRates = .none,
        seed: UInt64 = 1,
        logFile: String? = nil,
        byIdLink: String? = nil,
        recordsCommands: Bool = true
    ) {
        precondition(commandBufferSize >= 1, "BUFSIZE must hold at least one command")
        precondition(receiveBufferSize >= 1, "the receive buffer must hold at least one byte")
        precondition(timeScale > 0, "the firmware clock must run forward")
        precondition(hotendCount >= 1, "a printer has at least one hotend")
        self.commandBufferSize = commandBufferSize
        self.receiveBufferSize = receiveBufferSize
        self.advancedOK = advancedOK
        self.baudRate = baudRate
        self.okAfterResend = okAfterResend
        self.emergencyParser = emergencyParser
        self.autoreportTemperature = autoreportTemperature
        self.resetOnOpen = resetOnOpen
        self.timeScale = timeScale
        self.moveTimeScale = moveTimeScale
        self.temperatureResidency = temperatureResidency
        self.homingDuration = homingDuration
        self.probingDuration = probingDuration
        self.hotendCount = hotendCount
        self.buildVolume = buildVolume
        self.machineType = machineType
        self.uuid = uuid
        self.errorRate = errorRate
        self.seed = seed
        self.logFile = logFile
        self.byIdLink = byIdLink
        self.recordsCommands = recordsCommands
    }
}
