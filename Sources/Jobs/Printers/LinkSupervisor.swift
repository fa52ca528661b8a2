import Foundation
import PrinterLink

/// What the link's supervisor remembers and decides while it keeps the printer linked (`PrinterService.keepLinked`):
/// the port opened again after it went away, the console lines the link's events call for, and how the link ends when
/// the agent stops. The loop that opens the port and follows the events runs on the service's actor, so that the
/// events move the queue in their order; its decisions are here, where they can be tested without a port.
///
/// None of them heats or moves the printer: the lines it asks for switch heaters off or only read, and a job it
/// finds on the printer at shutdown is cancelled, its script switching the heaters off.
struct LinkSupervisor: Sendable {
    /// The agent died while this printer printed (or lost the database that would tell): its heaters may still be
    /// on, with nobody left to switch them off. The first time the printer is ready again they are.
    private(set) var heatersLeftOnByACrash: Bool
    /// Why the port last failed to open: a printer left unplugged is logged once, not at every attempt.
    private var lastOpenFailure: String?
    /// Lines the last events call for, sent by the link's task group beside the events that follow.
    private var followUps: [LinkFollowUp] = []

    init(heatersLeftOnByACrash: Bool) {
        self.heatersLeftOnByACrash = heatersLeftOnByACrash
    }

    /// True when the reason is new, and so worth a line in the log.
    mutating func openFailed(_ reason: String) -> Bool {
        defer { lastOpenFailure = reason }
        return reason != lastOpenFailure
    }

    mutating func opened() {
        lastOpenFailure = nil
    }

    /// True when the printer's heaters go off now, after a crash: once, and only the heaters (never the completion
    /// script, which may park the head). Nothing is sent without a link; the duty waits for the next `ready`.
    mutating func printerReady(linked: Bool) -> Bool {
        guard heatersLeftOnByACrash, linked else { return false }
        heatersLeftOnByACrash = false
        followUps.append(.heatersOffAfterACrash)
        return true
    }

    /// A job's script has just set the heaters and the targets shown were forgotten (`PrinterCondition.forgetTargets`):
    /// M105 asks for the new ones now rather than at the next poll or autoreport.
    mutating func jobEnded(targetsForgotten: Bool, linked: Bool) {
        guard targetsForgotten, linked else { return }
        followUps.append(.temperatureAfterJob)
    }

    mutating func takeFollowUps() -> [LinkFollowUp] {
        defer { followUps.removeAll() }
        return followUps
    }

    /// How the link ends when the agent stops.
    enum Shutdown: Equatable {
        /// A job is on the printer: it is cancelled (its script switches the heaters off) and the port closes once
        /// the script has run, or after `grace` if the printer is stuck.
        case cancelJobThenClose(grace: TimeInterval)
        case close
    }

    /// Decided from the link's own snapshot: the thread that cancels the service cannot wait for the actor's view.
    static func shutdown(linkState: PrinterState) -> Shutdown {
        PrinterCondition.isBusyStopping(linkState) ? .cancelJobThenClose(grace: shutdownGrace) : .close
    }

    static let shutdownGrace: TimeInterval = 15

    /// A job cancelled because the agent stops did not end by a person's wish: it is interrupted, so that the queue
    /// waits for a person and the job may be restarted from the line it reached. Never resumed by itself.
    static func outcome(_ reported: JobOutcome, agentStopping: Bool) -> JobOutcome {
        guard reported == .cancelled, agentStopping else { return reported }
        return .interrupted("the agent stopped; the job was cancelled and the heaters switched off")
    }
}
