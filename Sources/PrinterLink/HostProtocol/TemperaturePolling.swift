/// Temperatures at a steady pace: the firmware reports them itself where it can (AUTOREPORT_TEMP, `M155 S<n>`),
/// else the host polls with M105, but never while a long command blocks the firmware's queue (M105 would wait
/// behind it and its silence would look like a lost line).
struct TemperaturePolling {
    private(set) var autoreporting = false
    private(set) var lastPollAt: ContinuousClock.Instant
    let interval: Duration

    init(interval: Duration, now: ContinuousClock.Instant) {
        self.interval = interval
        self.lastPollAt = now
    }

    /// The firmware reports by itself: the line that switches it on, at the interval in whole seconds.
    mutating func startAutoreport() -> [UInt8] {
        autoreporting = true
        let seconds = max(1, Int((Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18).rounded()))
        return Array("M155 S\(seconds)".utf8)
    }

    var deadline: ContinuousClock.Instant? { autoreporting ? nil : lastPollAt + interval }

    /// True (once per interval) when an M105 is due.
    mutating func pollIsDue(now: ContinuousClock.Instant, longCommandInFlight: Bool) -> Bool {
        guard !autoreporting, !longCommandInFlight, now >= lastPollAt + interval else { return false }
        lastPollAt = now
        return true
    }

    /// An M105 went out (a due poll, or a probe after a silence).
    mutating func polled(now: ContinuousClock.Instant) { lastPollAt = now }
}
