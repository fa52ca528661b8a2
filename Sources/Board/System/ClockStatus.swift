import CivilTime
import Foundation

/// Whether the kernel considers the system clock disciplined to UTC (by NTP, chrony,
/// systemd-timesyncd or PTP): what `agent.time` reports beside the time (HD-HLF-03).
public struct ClockSynchronisation: Sendable, Equatable, Codable {
    public var isSynchronised: Bool
    /// adjtimex's clock state: 0 OK, 1 leap second insert pending, 2 delete pending, 3 leap second
    /// in progress, 4 leap second done, 5 error (not synchronised).
    public var kernelClockState: Int32
    /// The kernel's bounds on the clock's error, as the time daemon last set them. The maximum grows
    /// by 500 ppm while nothing disciplines the clock, until the kernel declares it unsynchronised
    /// at 16 s.
    public var maxErrorMicroseconds: Int
    public var estimatedErrorMicroseconds: Int

    /// adjtimex's TIME_ERROR and the STA_UNSYNC status bit (linux/timex.h).
    static let timeError: Int32 = 5
    static let statusUnsynchronised: Int32 = 0x0040

    /// Interprets an adjtimex reading: unsynchronised when the call returns TIME_ERROR or the
    /// status carries STA_UNSYNC (the kernel sets the one from the other, but a daemon can set the
    /// bit between two updates).
    public init(kernelClockState: Int32, status: Int32, maxErrorMicroseconds: Int, estimatedErrorMicroseconds: Int) {
        self.kernelClockState = kernelClockState
        self.isSynchronised = kernelClockState != Self.timeError && status & Self.statusUnsynchronised == 0
        self.maxErrorMicroseconds = maxErrorMicroseconds
        self.estimatedErrorMicroseconds = estimatedErrorMicroseconds
    }

    /// The kernel's current view (adjtimex with modes 0).
    public static func read() throws(SystemCallError) -> ClockSynchronisation {
        let reading = try KernelClock.read()
        return ClockSynchronisation(
            kernelClockState: reading.clockState, status: reading.status,
            maxErrorMicroseconds: reading.maxErrorMicroseconds,
            estimatedErrorMicroseconds: reading.estimatedErrorMicroseconds)
    }
}

/// The agent's time as `agent.time` answers it: the instant, the local UTC offset, and whether
/// the clock is synchronised.
public struct ClockStatus: Sendable, Equatable, Codable {
    public var time: Date
    public var utcOffset: UTCOffset
    public var synchronisation: ClockSynchronisation

    public init(time: Date, utcOffset: UTCOffset, synchronisation: ClockSynchronisation) {
        self.time = time
        self.utcOffset = utcOffset
        self.synchronisation = synchronisation
    }

    /// `2026-11-21T09:00:00+0100`, or `…-0000` when the zone is unknown.
    public var timestamp: String {
        ISO8601Timestamp.format(time, offset: utcOffset)
    }

    public static func read(now: Date = Date(), root: String = "/") throws(SystemCallError) -> ClockStatus {
        ClockStatus(time: now, utcOffset: LocalTimeZone.offset(at: now, root: root), synchronisation: try .read())
    }
}
