/// One line a printer controller sends to the host, classified. `FirmwareReply.parse` turns a raw
/// line into one of these; a line it does not recognise becomes `.console`, never an error.
public enum FirmwareReply: Equatable, Sendable {
    /// `ok`, possibly with ADVANCED_OK counters or an M105 temperature report on the same line.
    case ok(Acknowledgement)
    /// `Resend: <n>`, `Resend:<n>`, `rs N<n>`: the firmware wants every line from `line` again.
    case resend(line: Int)
    /// `echo:busy: processing` and friends: the firmware is alive but still working on a long command.
    case busy(BusyReason)
    /// `wait`: an idle firmware's keep-alive (Repetier, some Marlin builds); it means no command is pending.
    case wait
    /// A temperature report on its own line (M155 autoreport, M109/M190 progress).
    case temperature(TemperatureReport)
    /// The `FIRMWARE_NAME:…` line that answers M115.
    case firmwareInfo(FirmwareInfo)
    /// `Cap:NAME:0|1` lines after M115.
    case capability(name: String, enabled: Bool)
    /// `//action:…` host action commands.
    case action(ActionCommand)
    /// `Error:…` and `!!` lines.
    case error(FirmwareError)
    /// `echo:Unknown command: "G999"` (Marlin) or RRF's equivalent; the command text when the firmware quotes it.
    case unknownCommand(String)
    /// `start` after the controller booted or was reset.
    case start
    /// M211's limits: `echo:Soft endstops: On Min: X0.00 Y0.00 Z0.00 Max: X235.00 Y235.00 Z250.00` (Marlin 1.1–2.0)
    /// or the second line of Marlin 2.1's answer, `  Min:  X0.00 Y0.00 Z0.00   Max:  X200.00 Y200.00 Z200.00`.
    case softEndstops(SoftEndstops)
    /// M115's `area:{full:{min:{x:…,y:…,z:…},max:{…}},work:{…}}` line (Marlin 2.1 with M115_GEOMETRY_REPORT).
    case printArea(PrintArea)
    /// Any other `echo:` line, the text after `echo:`.
    case echo(String)
    /// Anything else, kept as console text.
    case console(String)
}

/// What an `ok` line carries besides the acknowledgement itself.
public struct Acknowledgement: Equatable, Sendable {
    /// `N<n>` of ADVANCED_OK: the last line number the firmware received.
    public var lineNumber: Int?
    /// `P<n>` of ADVANCED_OK: free planner (motion) blocks.
    public var plannerFree: Int?
    /// `B<n>` of ADVANCED_OK: free slots in the command buffer (BUFSIZE).
    public var bufferFree: Int?
    /// `ok T:… B:…` answers M105 on the same line.
    public var temperatures: TemperatureReport?

    public init(lineNumber: Int? = nil, plannerFree: Int? = nil, bufferFree: Int? = nil,
                temperatures: TemperatureReport? = nil) {
        self.lineNumber = lineNumber
        self.plannerFree = plannerFree
        self.bufferFree = bufferFree
        self.temperatures = temperatures
    }

    public static let plain = Acknowledgement()
}

public enum BusyReason: Equatable, Sendable {
    case processing
    case pausedForUser
    case pausedForInput
    case other(String)
}

/// A set of heater readings from one report line.
public struct TemperatureReport: Equatable, Sendable {
    public struct Reading: Equatable, Sendable {
        public var actual: Double
        /// Nil when the report gives no target (e.g. `T:195.4 E:0 W:3` while M109 waits).
        public var target: Double?
        public init(actual: Double, target: Double? = nil) {
            self.actual = actual
            self.target = target
        }
    }

    /// Hotends by index: `T0:`, `T1:`…; a lone `T:` (single extruder, or the active tool) is index 0
    /// unless the same line also names `T0:`.
    public var hotends: [Int: Reading]
    /// `B:`
    public var bed: Reading?
    /// `C:`
    public var chamber: Reading?
    /// Other sensors by their label (`P:` Prusa PINDA, `A:` ambient, `R:` redundant…).
    public var other: [String: Reading]
    /// `W:` present: the firmware is waiting for a heater (M109/M190). `W:?` gives no number.
    public var isWaiting: Bool
    /// Seconds left of the residency wait when `W:<n>` gives them.
    public var waitSecondsRemaining: Int?

    public init(hotends: [Int: Reading] = [:], bed: Reading? = nil, chamber: Reading? = nil,
                other: [String: Reading] = [:], isWaiting: Bool = false, waitSecondsRemaining: Int? = nil) {
        self.hotends = hotends
        self.bed = bed
        self.chamber = chamber
        self.other = other
        self.isWaiting = isWaiting
        self.waitSecondsRemaining = waitSecondsRemaining
    }
}

/// The `FIRMWARE_NAME:` line of M115, split on its upper-case `KEY:` markers.
public struct FirmwareInfo: Equatable, Sendable {
    /// Every `KEY: value` pair, values trimmed, in the order the firmware sent them.
    public var fields: [(key: String, value: String)]

    public init(fields: [(key: String, value: String)]) { self.fields = fields }

    public subscript(key: String) -> String? { fields.first { $0.key == key }?.value }

    public var firmwareName: String? { self["FIRMWARE_NAME"] }
    public var firmwareVersion: String? { self["FIRMWARE_VERSION"] }
    public var machineType: String? { self["MACHINE_TYPE"] }
    public var uuid: String? { self["UUID"] }
    public var protocolVersion: String? { self["PROTOCOL_VERSION"] }
    public var extruderCount: Int? { self["EXTRUDER_COUNT"].flatMap { Int($0) } }

    public static func == (lhs: FirmwareInfo, rhs: FirmwareInfo) -> Bool {
        lhs.fields.map(\.key) == rhs.fields.map(\.key) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }
}

public enum ActionCommand: Equatable, Sendable {
    case pause
    case resume
    case cancel
    case paused
    case resumed
    case disconnect
    case notification(String)
    case promptBegin(String)
    case promptChoice(String)
    case promptButton(String)
    case promptShow
    case promptEnd
    /// Any other action, its whole text after `//action:`.
    case other(String)
}

public enum FirmwareError: Equatable, Sendable {
    /// `Error:Line Number is not Last Line Number+1, Last Line: <n>`
    case lineNumberMismatch(lastLine: Int?)
    /// `Error:checksum mismatch, Last Line: <n>`
    case checksumMismatch(lastLine: Int?)
    /// `Error:No Checksum with line number, Last Line: <n>`
    case missingChecksum(lastLine: Int?)
    /// `Error:No Line Number with checksum, Last Line: <n>`
    case missingLineNumber(lastLine: Int?)
    /// `Error:Printer halted. kill() called!`, `!! Printer halted`: the firmware stopped and needs a reset.
    case halted(String)
    /// Thermal runaway, MINTEMP, MAXTEMP, heating failed: a heater fault; the firmware has halted.
    case heaterFault(HeaterFault)
    /// `Error:RX BUF overflow, increase RX_BUFFER_SIZE: 127` (Marlin's RX_BUFFER_MONITOR): the firmware's receive
    /// buffer was full, so bytes may have been lost. Not a line error and not a halt: a damaged line is caught by
    /// its checksum and answered with its own `Resend:`, which the host handles as usual.
    case receiveBufferOverflow(bytesWaiting: Int?)
    /// Any other error text.
    case other(String)

    /// True for errors after which the firmware accepts no more commands until it is reset.
    public var isFatal: Bool {
        switch self {
        case .halted, .heaterFault: return true
        default: return false
        }
    }
}

public struct HeaterFault: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case thermalRunaway
        case minTemp
        case maxTemp
        case heatingFailed
    }

    public var kind: Kind
    /// `Heater_ID: 0`, `bed`, `E1`… as the firmware named it, when it did.
    public var heater: String?
    /// The firmware's own words.
    public var message: String

    public init(kind: Kind, heater: String?, message: String) {
        self.kind = kind
        self.heater = heater
        self.message = message
    }
}
