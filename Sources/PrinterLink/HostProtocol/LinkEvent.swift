import GCode

/// What the firmware told the host when it connected: M115's identity and capabilities, M211's volume.
public struct FirmwareIdentity: Sendable, Equatable {
    public var info: FirmwareInfo?
    public var capabilities: [String: Bool]
    public var buildVolume: SoftEndstops?

    public init(info: FirmwareInfo? = nil, capabilities: [String: Bool] = [:], buildVolume: SoftEndstops? = nil) {
        self.info = info
        self.capabilities = capabilities
        self.buildVolume = buildVolume
    }

    public func has(_ capability: String) -> Bool { capabilities[capability] ?? false }
}

/// The host's view of the printer's state.
public enum PrinterState: Sendable, Equatable {
    /// The port is open and the host is saying hello.
    case connecting
    /// Connected, no job.
    case ready
    case printing
    case pausing
    case paused
    case cancelling
    /// The firmware stopped (kill, thermal runaway…): it takes no commands until it is reset.
    case halted(String)
    /// The port is gone (unplugged, hang-up) or the printer never answered.
    case disconnected(String)
}

/// Where a job is: counts of the commands the printer confirmed, for progress and for the record of an
/// interrupted job.
public struct JobProgress: Sendable, Equatable {
    public var totalCommands: Int
    /// Commands the printer acknowledged (executed), job lines only.
    public var confirmedCommands: Int
    /// The file line of the last command the printer confirmed (1-based, 0 when none yet).
    public var lastConfirmedFileLine: Int
    /// Byte offset in the file just after that command.
    public var confirmedOffset: Int64
    public var fileSize: Int64

    public init(totalCommands: Int, confirmedCommands: Int = 0, lastConfirmedFileLine: Int = 0,
                confirmedOffset: Int64 = 0, fileSize: Int64) {
        self.totalCommands = totalCommands
        self.confirmedCommands = confirmedCommands
        self.lastConfirmedFileLine = lastConfirmedFileLine
        self.confirmedOffset = confirmedOffset
        self.fileSize = fileSize
    }

    /// 0…1 by bytes of the file, the measure slicers' time estimates follow best.
    public var fraction: Double {
        fileSize > 0 ? Double(confirmedOffset) / Double(fileSize) : (totalCommands > 0 ? Double(confirmedCommands) / Double(totalCommands) : 0)
    }
}

public enum JobOutcome: Sendable, Equatable {
    case completed
    case cancelled
    /// The job cannot go on: the printer halted, the host gave up on a resend storm, a file error.
    case failed(String)
    /// The link or the controller went away under the job (unplugged, reset); it is never resumed by itself.
    case interrupted(String)
}

/// Statistics of the link's health.
public struct LinkCounters: Sendable, Equatable {
    public var linesSent = 0
    public var bytesSent = 0
    /// Bytes of job lines on their first transmission: the useful part of what went over the link.
    public var jobBytesSent = 0
    public var resendRequests = 0
    public var linesResent = 0
    public var ignoredDuplicateResends = 0
    public var assumedAcknowledgements = 0
    /// Times the oldest line's `ok` was given up after a silence (`ackTimeout`, or the shorter one after an
    /// unreadable reply): each is time the printer's planner may have starved.
    public var acknowledgementTimeouts = 0
    /// Lines one flipped bit or one lost byte away from `ok`, taken as the `ok` they were.
    public var repairedAcknowledgements = 0
    /// `Resend:` requests for a line never sent, taken as the line after the error's `Last Line:`.
    public var repairedResendRequests = 0
    /// Times lines went out again because a repetition's flush had emptied them out of the firmware's buffer.
    public var flushedLinesResent = 0
    public var unexpectedOks = 0
    /// Temperature reports received (autoreport, M105 answers, heating progress).
    public var temperatureReports = 0
    public init() {}
}

/// What the state machine reports to the layers above.
public enum LinkEvent: Sendable, Equatable {
    case stateChanged(PrinterState)
    case connected(FirmwareIdentity)
    case temperature(TemperatureReport)
    case busy(BusyReason)
    /// A line for the console, every line the firmware sent that is not an `ok`.
    case console(String)
    /// A message for the user: `//action:notification`, prompts, `echo:` text the firmware meant for people.
    case message(String)
    /// A host action command the firmware raised (`//action:pause` etc.), after the host acted on it.
    case action(ActionCommand)
    case firmwareError(FirmwareError)
    /// A console command (sent with an id) was acknowledged; these are the lines the firmware sent for it.
    case commandCompleted(id: UInt64, replies: [String])
    /// A console command could not be completed (disconnect, halt).
    case commandFailed(id: UInt64, reason: String)
    case jobStarted(totalCommands: Int)
    /// Where the job is, at most every `LinkSettings.progressInterval` while it runs (the driver's clock).
    case jobProgress(JobProgress)
    case jobFinished(JobOutcome, JobProgress)
    /// Several lines in flight proved unsafe with this firmware; the host now waits for each `ok`.
    case windowFallback(String)
    /// The controller rebooted (`start`) after the host had connected.
    case controllerReset
    /// A cancel stalled and the host stepped up; the text says what it did and what it could not confirm.
    case cancelEscalated(CancelEscalation.Step, String)
}

public enum CancelEscalation {
    public enum Step: Sendable, Equatable {
        /// M110 sent to set the firmware's line number again, then only the heaters switched off.
        case resynchronised
        /// M108 sent out of band to break a wait for heat or for the user.
        case waitBroken
        /// M112: the printer is halted; whether its heaters went off cannot be confirmed over the link.
        case emergencyStop
    }
}

extension PrinterState: CustomStringConvertible {
    public var description: String { HostProtocolStateMachine.describe(self) }
}

extension JobOutcome: CustomStringConvertible {
    public var description: String {
        switch self {
        case .completed: return "completed"
        case .cancelled: return "cancelled"
        case .failed(let reason): return "failed: \(reason)"
        case .interrupted(let reason): return "interrupted: \(reason)"
        }
    }
}
