import Foundation
import GCode

/// A copy of the link's state for other threads: what a status request or a progress bar reads.
public struct LinkSnapshot: Sendable, Equatable {
    public var state: PrinterState
    public var progress: JobProgress?
    public var temperature: TemperatureReport?
    /// When the latest temperature report arrived (the firmware's reports carry no time of their own, so the
    /// time of reception is the measurement's time stamp, HD-HLF-06).
    public var temperatureReceivedAt: Date?
    public var identity: FirmwareIdentity
    public var counters: LinkCounters
    public var window: Int

    public init(state: PrinterState = .connecting, progress: JobProgress? = nil, temperature: TemperatureReport? = nil,
                identity: FirmwareIdentity = FirmwareIdentity(), counters: LinkCounters = LinkCounters(), window: Int = 1) {
        self.state = state
        self.progress = progress
        self.temperature = temperature
        self.identity = identity
        self.counters = counters
        self.window = window
    }
}

public enum PrinterLinkError: Error, CustomStringConvertible, Equatable {
    case notReady(String)
    case commandFailed(String)
    case closed

    public var description: String {
        switch self {
        case .notReady(let state): return "the printer is not ready (\(state))"
        case .commandFailed(let reason): return "the command failed: \(reason)"
        case .closed: return "the connection to the printer is closed"
        }
    }
}
