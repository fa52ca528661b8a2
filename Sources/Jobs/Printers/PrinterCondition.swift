import Foundation
import GCode
import PrinterLink

/// The printer as its link's events last described it: its state, its firmware and its latest temperatures, which
/// Managers read (printer.status, agent.info).
///
/// The link's state machine is the only source of these; this is the service's view of it. It is kept from the
/// machine's events in their order, not read from the link's snapshot (which runs ahead of the events still to be
/// handled), so that it always agrees with the queue the same events moved on. It also outlives a lost link: a
/// Manager still sees the last measurement, with its old time stamp, and the firmware last connected.
struct PrinterCondition: Sendable, Equatable {
    private(set) var state: PrinterState = .disconnected("not connected yet")
    /// The firmware as it was when the link reported `connected` (M211's answer included).
    private(set) var identity: FirmwareIdentity?
    private(set) var temperature: TemperatureReport?
    /// When `temperature` arrived: the firmware's reports carry no time of their own (HD-HLF-06).
    private(set) var measuredAt: Date?
    /// A job ended and its script changed the targets: the last report's targets are the job's, not the printer's,
    /// until the printer's next report, which then goes out as a status too.
    private(set) var awaitingTargetsAfterJob = false

    /// False when the printer already was in `newState`: nobody needs telling.
    mutating func change(to newState: PrinterState) -> Bool {
        guard newState != state else { return false }
        state = newState
        return true
    }

    mutating func connected(_ found: FirmwareIdentity) {
        identity = found
    }

    /// True when this is the first report after a job ended: it must go out as a status too, because status
    /// callbacks stop when the printer goes idle and a Manager would keep the job's targets as the printer's.
    mutating func measured(_ report: TemperatureReport, at now: Date) -> Bool {
        temperature = report
        measuredAt = now
        defer { awaitingTargetsAfterJob = false }
        return awaitingTargetsAfterJob
    }

    /// The cancel or completion script has just set the heaters (off, by default): the last report's targets are
    /// the job's, so they are shown as unknown (null) until the printer reports again. False when there is no
    /// report to correct, and so no new one to wait for.
    mutating func forgetTargets() -> Bool {
        guard var report = temperature else { return false }
        for index in report.hotends.keys { report.hotends[index]?.target = nil }
        report.bed?.target = nil
        report.chamber?.target = nil
        for label in report.other.keys { report.other[label]?.target = nil }
        temperature = report
        awaitingTargetsAfterJob = true
        return true
    }

    var isOnline: Bool {
        switch state {
        case .disconnected, .connecting: return false
        default: return true
        }
    }

    /// A job is on the printer, or its cancel script still runs: the link must stay open, or the heaters stay on.
    var isBusyStopping: Bool { Self.isBusyStopping(state) }

    /// The same rule for the link's own snapshot, which the thread stopping the agent reads (`LinkSupervisor.shutdown`).
    static func isBusyStopping(_ state: PrinterState) -> Bool {
        switch state {
        case .printing, .pausing, .paused, .cancelling: return true
        default: return false
        }
    }
}
