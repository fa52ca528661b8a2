import DequeModule
/// How the host answers the firmware's resend requests: a sub-machine of the host protocol that decides, the
/// window and the history doing what it says.
///
/// Marlin (and Prusa, and most others) empties its receive buffer when it rejects a line (`gcode_line_error`
/// reads it dry), keeps the lines it had already accepted into its command queue (their `ok`s still come), and
/// answers `Error`, `Resend: n`, `ok`. Lines that were on the wire behind the rejected one are rejected in turn,
/// each with the same `Resend: n`, or vanish in the emptied buffer. So lines from `n` on leave the window, the
/// `ok` after each request is not an acknowledgement, and `n` goes out again at once while the requests still to
/// come from the lines behind it are counted off (OctoPrint swallows such repetitions the same way).
struct ResendRecovery {
    enum Decision: Equatable {
        /// One of the rejections still expected from the lines that were behind the bad one.
        case repetition
        /// A line the host cannot send again; `announce` when the firmware's counter is now believed out of step.
        case outOfStep(announce: Bool)
        /// The firmware wants the line after the last one sent: lines from it on leave the window, nothing more.
        case nextLine(Int)
        /// Lines from `line` on leave the window and go out again at once; `fallBack` when requests came so often
        /// that one line in flight is safer.
        case resend(from: Int, fallBack: Bool)
        /// The same line asked for again and again: the cable or the baud rate is wrong, the job must stop.
        case storm(line: Int, count: Int)
    }

    enum Phase: Equatable {
        case steady
        /// After a request for `line`: how many more requests for it may still come from lines that were in flight
        /// behind it, and until when (the wire time of a full receive buffer: later ones are new failures).
        case countingRepetitions(line: Int, remaining: Int, until: ContinuousClock.Instant)
    }

    private(set) var phase: Phase = .steady
    /// The firmware read its receive buffer dry for a repetition (Marlin 2.1 `GCodeQueue::gcode_line_error` in
    /// `Marlin/src/gcode/queue.cpp`: `while (read_serial(serial_ind) != -1)`, then `Resend: last_N + 1`, `ok`, from
    /// the same `last_N` as the error's `Last Line:`): lines from `line` on that were sent before `at`
    /// were either in that buffer (gone) or still on the wire (they arrive whole). Their order on the wire makes
    /// the lost ones a prefix, so an `ok` for any of them shows that the rest arrived too.
    private(set) var flush: (line: Int, at: ContinuousClock.Instant)?
    /// The reply just received was a resend request: an `ok` right after it acknowledges no command. Marlin writes
    /// the two back to back, so only the very next line can be that `ok` (a lost one leaves nothing armed).
    private(set) var okFollowsRequest = false
    /// The `Last Line:` of the error before a request, and whether that error said the line arrived damaged
    /// (checksum) rather than out of sequence.
    private var precedingError: (lastLine: Int?, damaged: Bool)?
    private var streak: (line: Int, count: Int) = (-1, 0)
    private var recentRequestMarks = Deque<Int>(minimumCapacity: 16)
    /// The firmware asks for lines the host cannot send again: its line counter left the host's.
    private(set) var desync: LineNumberDesync?
    /// Renumberings since the job last made progress.
    private(set) var desyncRecoveries = 0
    private let settings: LinkSettings

    init(settings: LinkSettings) {
        self.settings = settings
    }

    var isOutOfStep: Bool { desync?.believed == true }

    /// Out of step, the lines still in flight are the rejected ones once the lines the firmware had accepted
    /// before (still executing) have their `ok`s: those are not to be taken as lost.
    func inFlightAreRejected(count: Int) -> Bool {
        guard let desync, desync.believed else { return false }
        return count <= desync.requests
    }

    // MARK: - Events

    /// A line-number or checksum error: the request that follows carries what matters.
    mutating func errorArrived(lastLine: Int?, damaged: Bool) {
        precedingError = (lastLine, damaged)
    }

    /// Any reply but an `ok` or a request: an `ok` after it is an acknowledgement again.
    mutating func otherReplyArrived() { okFollowsRequest = false }

    /// An `ok` arrived: true when it only closes a resend request.
    mutating func takeOkFollowingRequest() -> Bool {
        defer { okFollowsRequest = false }
        return okFollowsRequest
    }

    /// The line asked for executed: every rejection of the lines behind it came before this `ok`.
    mutating func confirmed(_ number: Int) {
        if case .countingRepetitions(let line, _, _) = phase, number >= line { phase = .steady }
        if let flush, number >= flush.line { self.flush = nil }
    }

    /// The `Last Line:` of the error just before a request, if one came.
    var precedingLastLine: Int? { precedingError?.lastLine }

    /// A request the host could not match still emptied the firmware's buffer: the lines from `line` on that were
    /// sent before now may be gone.
    mutating func bufferFlushed(from line: Int, at now: ContinuousClock.Instant) {
        if desync?.believed != true { flush = (line, now) }
    }

    /// The lines sent before the flush got no answer within a round trip: they were in the buffer it emptied, and
    /// go out again.
    mutating func flushedLinesResent() { flush = nil }

    /// A request for `line`. `highest` is the last line number sent, `canResend` whether the history still holds
    /// the line (or it is the next one), `behind` the lines in flight after it, `linesSent` the link's count.
    mutating func request(_ line: Int, now: ContinuousClock.Instant, highest: Int, canResend: Bool, behind: Int,
                          linesSent: Int, settleTime: Duration) -> Decision {
        okFollowsRequest = !settings.resendWithoutOk
        let error = precedingError
        precedingError = nil
        let damaged = error?.damaged ?? false
        // A line that was in flight behind the bad one is rejected for its number (its bytes were fine); a line
        // sent again that arrived damaged is rejected for its checksum: that request is new.
        if case .countingRepetitions(line, let remaining, let until) = phase, !damaged, now <= until {
            phase = remaining > 1 ? .countingRepetitions(line: line, remaining: remaining - 1, until: until) : .steady
            flush = (line, now)
            return .repetition
        }
        // A line the firmware cannot want while its counter is the host's: one never sent, or one no longer held.
        // (A line an `ok` seemed to confirm is not one of them: under noise an `ok` can be a rejection's.)
        guard canResend else {
            return .outOfStep(announce: noteUnmatched(line, errorLastLine: error?.lastLine, now: now, settleTime: settleTime))
        }
        desync = nil
        guard line <= highest else { return .nextLine(line) }
        streak = streak.line == line ? (line, streak.count + 1) : (line, 1)
        if streak.count > settings.resendStormLimit { return .storm(line: line, count: streak.count) }
        // Every line behind the bad one can cause one more request for it, and no more. A line drained silently
        // leaves one expected request that never comes: the next new failure then costs the rest of the lines
        // sent again, each rejected in turn, before its request is believed (never a line).
        phase = behind > 0 ? .countingRepetitions(line: line, remaining: behind, until: now + settleTime) : .steady
        flush = nil
        return .resend(from: line, fallBack: misbehaves(linesSent: linesSent))
    }

    /// A garbled number looks the same once; the firmware's counter having left the host's shows as the same
    /// request again, or as one that agrees with the `Last Line:` of the error before it. Each such request is one
    /// line the firmware rejected. True when it just became believed.
    private mutating func noteUnmatched(_ line: Int, errorLastLine: Int?, now: ContinuousClock.Instant,
                                        settleTime: Duration) -> Bool {
        var current = desync?.line == line ? desync! : LineNumberDesync(line: line, quietUntil: now)
        current.requests += 1
        current.quietUntil = now + settleTime
        var announce = false
        if !current.believed, current.requests >= 2 || errorLastLine == line - 1 {
            current.believed = true
            announce = true
            // The renumbering sends the rejected lines again; a flush guess must not take them out of the window.
            flush = nil
        }
        desync = current
        return announce
    }

    private mutating func misbehaves(linesSent: Int) -> Bool {
        recentRequestMarks.append(linesSent)
        while recentRequestMarks.count > settings.misbehaviourResends { recentRequestMarks.removeFirst() }
        guard recentRequestMarks.count == settings.misbehaviourResends, let oldest = recentRequestMarks.first else {
            return false
        }
        return linesSent - oldest <= settings.misbehaviourWindowLines
    }

    /// Out of step, once the rejections settled and the accepted lines are confirmed: time to renumber. True once
    /// per renumbering; the count of renumberings without progress goes up.
    mutating func renumberingIsDue(now: ContinuousClock.Instant, inFlight: Int) -> Bool {
        guard let current = desync, current.believed, now >= current.quietUntil,
              inFlightAreRejected(count: inFlight) else { return false }
        desync = nil
        phase = .steady
        desyncRecoveries += 1
        return true
    }

    /// A job line was confirmed, or the job ended: renumberings are counted from here again.
    mutating func jobProgressed() { desyncRecoveries = 0 }

    /// A cancel stopped the recovery, the line numbers are set again by an M110.
    mutating func abandon() {
        phase = .steady
        flush = nil
        desync = nil
    }

    /// Repetitions are still expected, or lines may have been flushed: the firmware may still want an earlier line.
    var isRecovering: Bool { phase != .steady || flush != nil }

    /// The link starts over: nothing in flight, nothing expected.
    mutating func reset() {
        phase = .steady
        flush = nil
        okFollowsRequest = false
        precedingError = nil
        streak = (-1, 0)
        desync = nil
    }

}
