import GCode

/// The host side of the serial G-code protocol as a sans-I/O state machine: events in (lines received, time
/// passed, commands and user actions), actions out (bytes to write, events to report, the job file or the link
/// to close). The driver performs the actions and never interprets them.
///
/// The connection's state holds what only that state needs; the rest is in sub-machines, each with one job:
/// `SendWindow` (lines in flight, BUFSIZE from ADVANCED_OK), `OutgoingLines` (numbering, the resend history, what
/// goes next), `ResendRecovery` (resend requests, repetitions, a firmware out of step), `PrintJob` (phases,
/// progress, the cancel's escalation) and `TemperaturePolling`.
public struct HostProtocolStateMachine {
    public enum Action: Sendable, Equatable {
        case write([UInt8])
        case report(LinkEvent)
        /// The job ended (or never started): stop reading its file.
        case closeJobSource
        /// The link is over (lost, or nobody answered): the driver's loop ends.
        case closeLink
    }

    enum Connection {
        case closed
        /// Saying `M110 N0` until an `ok` answers; `since` is when the port opened.
        case greeting(since: ContinuousClock.Instant, lastHello: ContinuousClock.Instant)
        /// M115 and M211 are on their way.
        case identifying(since: ContinuousClock.Instant)
        case ready(TemperaturePolling)
        case halted(String)
        case lost(String)
    }

    public let settings: LinkSettings
    var connection: Connection = .closed
    var job: PrintJob?
    public internal(set) var identity = FirmwareIdentity()
    public internal(set) var counters = LinkCounters()
    public internal(set) var lastTemperature: TemperatureReport?

    var window: SendWindow
    var outgoing: OutgoingLines
    var resends: ResendRecovery
    /// `ok`s the host already took as lost and that may still come (each is no line's).
    var assumedOutstanding = 0
    /// When a line that is none of the firmware's known replies arrived, until the next `ok` (see `ackTimeout`).
    var unreadableReplyAt: ContinuousClock.Instant?
    /// When the firmware last showed it is alive and working on what was sent.
    var lastProgressAt: ContinuousClock.Instant?
    /// How long `ok`s take to come back lately (a moving average): a printer whose planner is full answers late,
    /// and a line that is only late must not be taken for one a flush emptied out.
    var acknowledgementLatency: Duration = .zero
    /// Replies (not `ok`s) to the console command at the front of the window.
    var consoleReplies: [String] = []
    var reportedState: PrinterState = .disconnected("not connected")

    public init(settings: LinkSettings = LinkSettings()) {
        self.settings = settings
        self.window = SendWindow(settings: settings)
        self.outgoing = OutgoingLines(historyCapacity: settings.resendHistory)
        self.resends = ResendRecovery(settings: settings)
    }

    // MARK: - What the machine tells the driver

    public var state: PrinterState {
        switch connection {
        case .closed: return .disconnected("not connected")
        case .greeting, .identifying: return .connecting
        case .halted(let reason): return .halted(reason)
        case .lost(let reason): return .disconnected(reason)
        case .ready:
            guard let job else { return .ready }
            switch job.phase {
            case .printing, .finishing: return .printing
            case .pausing: return .pausing
            case .paused: return .paused
            case .cancelling: return .cancelling
            }
        }
    }

    public var jobProgress: JobProgress? { job?.progress }

    public var linesInFlight: Int { window.count }

    public var currentWindow: Int { window.limit }

    /// The line numbers in flight, for the wire trace.
    public var inFlightDescription: String { window.description }

    /// True when the job wants its next line from the file now.
    public var wantsJobLine: Bool {
        guard case .ready = connection, let job, job.phase == .printing, !job.sourceExhausted else { return false }
        return outgoing.isEmpty && window.hasRoom
    }

    /// When the driver must call `tick` at the latest.
    public var nextDeadline: ContinuousClock.Instant? {
        var deadline: ContinuousClock.Instant?
        func consider(_ candidate: ContinuousClock.Instant?) {
            guard let candidate else { return }
            deadline = min(deadline ?? candidate, candidate)
        }
        switch connection {
        case .greeting(let since, let lastHello):
            consider(lastHello + settings.helloInterval)
            consider(since + settings.connectTimeout)
        case .identifying(let since):
            consider(since + settings.connectTimeout)
            consider(acknowledgementDeadline)
            if let desync = resends.desync, desync.believed { consider(desync.quietUntil) }
        case .ready(let polling):
            consider(acknowledgementDeadline)
            if let desync = resends.desync, desync.believed { consider(desync.quietUntil) }
            if let watch = job?.cancelWatch { consider(watch.quietSince + settings.cancelTimeout) }
            consider(polling.deadline)
        default:
            break
        }
        return deadline
    }

    /// When the oldest line in flight is taken as having lost its `ok`, or, when a repetition's flush may have
    /// emptied it out of the firmware's buffer, as lost itself.
    private var acknowledgementDeadline: ContinuousClock.Instant? {
        guard let front = window.first else { return nil }
        let lost = max(lastProgressAt ?? front.sentAt, front.sentAt) + ackTimeout
        guard let flushed = flushDeadline else { return lost }
        return min(lost, flushed)
    }

    /// A round trip after a repetition request emptied the firmware's buffer, while a line from the one it wants on
    /// that was sent before then is still in flight: it may have been in that buffer.
    var flushDeadline: ContinuousClock.Instant? {
        guard let flush = resends.flush, !resends.isOutOfStep else { return nil }
        for offset in 0..<window.count {
            let line = window[offset]
            if let number = line.number, number >= flush.line, line.sentAt <= flush.at {
                return flush.at + flushGuessTimeout
            }
        }
        return nil
    }

    /// How long lines that may have been flushed get to show they were not: four times the recent `ok` latency (a
    /// full planner answers late), at least 20 ms or the wire time of a full receive buffer if that is shorter (a
    /// native-USB board's nominal baud rate says nothing of its real speed), at most the acknowledgement timeout.
    private var flushGuessTimeout: Duration {
        min(settings.ackTimeout, max(min(settleTime, .milliseconds(20)), acknowledgementLatency * 4))
    }

    /// Numbered lines flow with resends and timeouts: while identifying the firmware and once ready.
    var isStreaming: Bool {
        switch connection {
        case .ready, .identifying: return true
        default: return false
        }
    }

    /// A line nobody could read arrived after the oldest line in flight was sent and no `ok` came since: most
    /// lines a printing firmware sends are `ok`s, so that line was most likely this one's, damaged beyond repair.
    private var ackTimeout: Duration {
        if window.longCommands > 0 { return settings.longCommandTimeout }
        if let unreadable = unreadableReplyAt, let front = window.first, unreadable >= front.sentAt {
            return min(settings.ackTimeout, settings.unreadableReplyTimeout)
        }
        return settings.ackTimeout
    }

    var emergencyParserAvailable: Bool {
        settings.emergencyParser ?? identity.has("EMERGENCY_PARSER")
    }

    // MARK: - Events: the port and the clock

    /// The port is open: say hello. Works whether or not the controller resets and greets with `start`.
    public mutating func portOpened(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        beginGreeting(now: now, actions: &actions)
        return actions
    }

    /// The port is gone (unplugged, EIO, hang-up).
    public mutating func linkLost(reason: String, now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        if case .lost = connection { return actions }
        connection = .lost(reason)
        endJob(.interrupted("link lost: \(reason)"), actions: &actions)
        failConsoleCommands(reason: "link lost: \(reason)", actions: &actions)
        clearTransmissions()
        reportStateChange(&actions)
        actions.append(.closeLink)
        return actions
    }

    /// Time passed: timeouts, hello retries, temperature polls, a stalled cancel.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        switch connection {
        case .greeting(let since, let lastHello):
            if now >= since + settings.connectTimeout {
                giveUpConnecting(actions: &actions)
            } else if now >= lastHello + settings.helloInterval {
                clearTransmissions()
                sendHello(now: now, since: since, actions: &actions)
            }
        case .identifying(let since):
            renumberIfOutOfStep(now: now, actions: &actions)
            if now >= since + settings.connectTimeout {
                giveUpConnecting(actions: &actions)
            } else if let flushed = flushDeadline, now >= flushed {
                resendFlushedLines(actions: &actions)
                fill(now: now, actions: &actions)
            } else if acknowledgementIsOverdue(now: now) {
                counters.acknowledgementTimeouts += 1
                assumeLostAcknowledgements(count: 1, now: now, actions: &actions)
            } else {
                fill(now: now, actions: &actions)
            }
        case .ready:
            renumberIfOutOfStep(now: now, actions: &actions)
            if let flushed = flushDeadline, now >= flushed {
                resendFlushedLines(actions: &actions)
            } else if acknowledgementIsOverdue(now: now) {
                counters.acknowledgementTimeouts += 1
                assumeLostAcknowledgements(count: 1, now: now, actions: &actions)
            }
            escalateCancelIfStalled(now: now, actions: &actions)
            schedulePollIfDue(now: now)
            fill(now: now, actions: &actions)
        default:
            break
        }
        return actions
    }

    private mutating func schedulePollIfDue(now: ContinuousClock.Instant) {
        guard case .ready(var polling) = connection else { return }
        let due = polling.pollIsDue(now: now, longCommandInFlight: window.longCommands > 0)
        connection = .ready(polling)
        if due, !outgoing.contains(.poll) { outgoing.enqueue(PendingLine(command: Array("M105".utf8), purpose: .poll)) }
    }

    private func acknowledgementIsOverdue(now: ContinuousClock.Instant) -> Bool {
        guard let deadline = acknowledgementDeadline else { return false }
        return now >= deadline && !resends.inFlightAreRejected(count: window.count)
    }
}
