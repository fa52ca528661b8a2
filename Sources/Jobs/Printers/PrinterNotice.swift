import Foundation
import GCode
import PrinterLink

/// What a printer's service tells the rest of the agent: the raw material of 3DP-1 callbacks.
public enum PrinterNotice: Sendable, Equatable {
    case stateChanged(serviceId: String, PrinterState)
    case connected(serviceId: String, FirmwareIdentity)
    case temperature(serviceId: String, TemperatureReport, measuredAt: Date)
    case jobProgress(PrintJob)
    case jobState(PrintJob)
    case queueChanged(serviceId: String, [PrintJob])
    case fault(serviceId: String, PrinterFaultKind, message: String, at: Date)
    case message(serviceId: String, PrinterMessageKind, text: String, at: Date)

    public var serviceId: String {
        switch self {
        case .stateChanged(let id, _), .connected(let id, _), .temperature(let id, _, _), .queueChanged(let id, _),
             .fault(let id, _, _, _), .message(let id, _, _, _):
            return id
        case .jobProgress(let job), .jobState(let job):
            return job.serviceId
        }
    }
}

public enum PrinterFaultKind: String, Sendable, Equatable, CaseIterable {
    case halted
    case thermalRunaway
    case heaterFault
    case linkLost
    case controllerReset
    case jobFailed
    /// A cancel got no answer and the agent stepped up (M110 and heaters off, M108, M112); the message says
    /// what it did and whether the heaters could be confirmed off.
    case cancelEscalated
}

public enum PrinterMessageKind: String, Sendable, Equatable, CaseIterable {
    /// Text for the printer's display (M117), as the host sent it.
    case display
    /// `//action:notification …` and `echo:` text meant for people.
    case notification
    /// A host prompt the firmware opened (`//action:prompt_begin …`).
    case prompt
    /// A host action the firmware raised (`//action:pause` …), after the agent acted on it.
    case action
}

/// A printer's status at one moment: what `printer.status` answers and its callback carries.
public struct PrinterStatusReport: Sendable, Equatable {
    public var serviceId: String
    public var state: PrinterState
    public var temperature: TemperatureReport?
    /// When the temperatures were received (the firmware stamps nothing itself).
    public var measuredAt: Date?
    public var job: PrintJob?
    public var queuedJobs: Int
    /// Why the queue waits for a person (a job failed or was interrupted); nil when it runs.
    public var queueHold: String?
    public var reportedAt: Date
    /// The job being downloaded or sliced for this printer, while one is.
    public var preparing: PrintJob?

    public init(serviceId: String, state: PrinterState, temperature: TemperatureReport?, measuredAt: Date?,
                job: PrintJob?, queuedJobs: Int, queueHold: String? = nil, reportedAt: Date, preparing: PrintJob? = nil) {
        self.preparing = preparing
        self.serviceId = serviceId
        self.state = state
        self.temperature = temperature
        self.measuredAt = measuredAt
        self.job = job
        self.queuedJobs = queuedJobs
        self.queueHold = queueHold
        self.reportedAt = reportedAt
    }
}
