import Foundation
import GCode

/// What the link's thread lets other threads read of the host protocol state machine, which alone holds the
/// printer's state: the state it last reported, the firmware as identified so far and the link's counters.
///
/// Everything else the machine knows (temperatures, a job's progress) leaves the thread only as `LinkEvent`s, in
/// order: a reader that needs them keeps what the events said, so nothing is copied here that nobody reads.
public struct LinkSnapshot: Sendable, Equatable {
    /// The machine's state, also set as each `stateChanged` event is handed on: whoever reacts to the event finds
    /// the same state here (a job is started, or a shutdown cancels one, against this state).
    public var state: PrinterState
    /// The machine's identity, including answers that come after `connected` (M211 typed at the console).
    public var identity: FirmwareIdentity
    public var counters: LinkCounters

    public init(state: PrinterState = .connecting, identity: FirmwareIdentity = FirmwareIdentity(),
                counters: LinkCounters = LinkCounters()) {
        self.state = state
        self.identity = identity
        self.counters = counters
    }

    /// The view of `machine` as it stands between two turns of the link's loop.
    init(of machine: HostProtocolStateMachine) {
        self.init(state: machine.state, identity: machine.identity, counters: machine.counters)
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
