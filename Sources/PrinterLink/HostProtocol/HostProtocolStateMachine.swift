import GCode

/// The host side of the serial G-code protocol as a sans-I/O state machine: events in (lines received,
/// time passed, commands and user actions), actions out (bytes to write, events to report). It owns line
/// numbering, the resend history, the in-flight window, timeouts, temperature polling, capability detection
/// and the job's pause/resume/cancel. The driver only moves bytes and time; time is monotonic nanoseconds.
public struct HostProtocolStateMachine {
    public enum Action: Sendable, Equatable {
        case write([UInt8])
        case report(LinkEvent)
    }

    enum Connection {
        case closed
        /// Saying `M110 N0` until an `ok` answers; `since` is when the port opened.
        case greeting(since: UInt64, lastHello: UInt64)
        /// M115 and M211 are on their way.
        case identifying(since: UInt64)
        case ready
        case halted(String)
        case lost(String)
    }

    enum JobPhase: Equatable {
        case printing
        case pausing(runScript: Bool)
        case paused
        case cancelling(JobOutcome)
        case finishing
    }

    struct Job {
        var phase: JobPhase
        var progress: JobProgress
        var submittedCommands = 0
        var sourceExhausted = false
    }

    public let settings: LinkSettings
    private(set) var connection: Connection = .closed
    private var job: Job?
    public private(set) var identity = FirmwareIdentity()
    public private(set) var counters = LinkCounters()
    public private(set) var lastTemperature: TemperatureReport?

    private var inFlight = RingQueue<Transmission>(capacity: 64)
    private var inFlightBytes = 0
    /// Lines in flight that a stalled cancel gave up (see `Transmission.abandoned`).
    private var abandonedInFlight = 0
    private var longInFlight = 0
    /// M110 lines in flight: Marlin 2.1 sets the line number when M110 arrives and again when it executes,
    /// so nothing may follow it before its `ok`.
    private var barriersInFlight = 0
    private var pending = RingQueue<PendingLine>(capacity: 16)
    /// A job line read from the file that waits for room in the window; it is numbered when it is sent.
    private var heldJobLine: (command: [UInt8], ref: JobLineRef)?
    private var history: ResendHistory
    private var nextNumber = 0
    /// While rewinding for a resend: the next line number to send again from the history.
    private var resendCursor: Int?

    private var windowLines: Int
    private var fellBack = false
    private var lastGenuineResend = -1
    private var sameLineResends = 0
    /// The line just received was a resend request: an `ok` right after it acknowledges no command. Marlin
    /// writes the two back to back, so only the very next line can be that `ok` (a lost one leaves nothing armed).
    private var okFollowsResend = false
    /// After a resend request: the line asked for, and how many more requests for it may still come from lines
    /// that were in flight behind it (each of those is rejected in turn, or vanishes in the emptied buffer).
    private var resendRecovery: (line: Int, duplicates: Int, until: UInt64)?
    private var recentResendMarks = RingQueue<Int>(capacity: 16)
    /// The firmware asks for lines the host cannot send again: its line counter left the host's.
    private var desync: LineNumberDesync?
    /// The `Last Line:` of the firmware's latest line-number or checksum error, to check the request after it.
    private var reportedLastLine: Int?
    /// The error before the resend request said the line arrived damaged (checksum), not out of sequence.
    private var precedingErrorWasDamage = false
    /// Renumberings after a desynchronisation since the job last made progress.
    private var desyncRecoveries = 0
    /// A cancel whose lines stopped getting through: how far it escalated, and since when nothing was confirmed.
    private var cancelWatch: (step: CancelEscalation.Step?, quietSince: UInt64)?
    private var assumedOutstanding = 0
    /// When a line that is none of the firmware's known replies arrived, until the next `ok` (see `ackTimeout`).
    private var unreadableReplyAt: UInt64?
    private var advancedBufferSize = 0
    private var bufferFreeSeen = [Int](repeating: 0, count: 65)
    private var bufferFreeObservations = 0

    private var lastProgressAt: UInt64 = 0
    private var lastPollAt: UInt64 = 0
    private var autoreporting = false
    private var consoleReplies: [String] = []
    private var reportedState: PrinterState = .disconnected("not connected")

    public init(settings: LinkSettings = LinkSettings()) {
        self.settings = settings
        self.history = ResendHistory(capacity: settings.resendHistory)
        self.windowLines = max(1, settings.maxLinesInFlight)
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

    public var linesInFlight: Int { inFlight.count }

    public var currentWindow: Int { windowLines }

    /// The line numbers in flight, for the wire trace.
    public var inFlightDescription: String {
        var parts: [String] = []
        for offset in 0..<inFlight.count { parts.append(inFlight[offset].number.map(String.init) ?? "-") }
        return "[\(parts.joined(separator: " "))] bufsize \(advancedBufferSize)"
    }

    /// True when the job wants its next line from the file now.
    public var wantsJobLine: Bool {
        guard case .ready = connection, let job, job.phase == .printing, !job.sourceExhausted else { return false }
        return heldJobLine == nil && resendCursor == nil && pending.isEmpty
            && inFlight.count < windowLines && inFlightBytes < settings.receiveBufferBytes
    }

    /// When the driver must call `tick` at the latest, in monotonic nanoseconds.
    public var nextDeadline: UInt64? {
        var deadline: UInt64?
        func consider(_ candidate: UInt64) { deadline = min(deadline ?? candidate, candidate) }
        switch connection {
        case .greeting(let since, let lastHello):
            consider(lastHello + Self.nanoseconds(settings.helloInterval))
            consider(since + Self.nanoseconds(settings.connectTimeout))
        case .identifying(let since):
            consider(since + Self.nanoseconds(settings.connectTimeout))
            if let front = inFlight.first {
                consider(max(lastProgressAt, front.sentAt) + Self.nanoseconds(ackTimeout))
            }
            if let desync, desync.believed { consider(desync.quietUntil) }
        case .ready:
            if let front = inFlight.first {
                consider(max(lastProgressAt, front.sentAt) + Self.nanoseconds(ackTimeout))
            }
            if let desync, desync.believed { consider(desync.quietUntil) }
            if let cancelWatch { consider(cancelWatch.quietSince + Self.nanoseconds(settings.cancelTimeout)) }
            if !autoreporting { consider(lastPollAt + Self.nanoseconds(settings.temperatureInterval)) }
        default:
            break
        }
        return deadline
    }

    /// Numbered lines flow with resends and timeouts: while identifying the firmware and once ready.
    private var isStreaming: Bool {
        switch connection {
        case .ready, .identifying: return true
        default: return false
        }
    }

    /// A line nobody could read arrived after the oldest line in flight was sent and no `ok` came since: most
    /// lines a printing firmware sends are `ok`s, so that line was most likely this one's, damaged beyond repair.
    private var ackTimeout: Double {
        if longInFlight > 0 { return settings.longCommandTimeout }
        if let unreadable = unreadableReplyAt, let front = inFlight.first, unreadable >= front.sentAt {
            return min(settings.ackTimeout, settings.unreadableReplyTimeout)
        }
        return settings.ackTimeout
    }

    // MARK: - Events: the port

    /// The port is open: say hello. Works whether or not the controller resets and greets with `start`.
    public mutating func portOpened(now: UInt64) -> [Action] {
        var actions: [Action] = []
        beginGreeting(now: now, actions: &actions)
        return actions
    }

    /// The port is gone (unplugged, EIO, hang-up).
    public mutating func linkLost(reason: String, now: UInt64) -> [Action] {
        var actions: [Action] = []
        if case .lost = connection { return actions }
        connection = .lost(reason)
        endJob(.interrupted("link lost: \(reason)"), actions: &actions)
        failConsoleCommands(reason: "link lost: \(reason)", actions: &actions)
        clearTransmissions()
        reportStateChange(&actions)
        return actions
    }

    /// Time passed: timeouts, hello retries, temperature polls.
    public mutating func tick(now: UInt64) -> [Action] {
        var actions: [Action] = []
        switch connection {
        case .greeting(let since, let lastHello):
            if now >= since + Self.nanoseconds(settings.connectTimeout) {
                giveUpConnecting(now: now, actions: &actions)
            } else if now >= lastHello + Self.nanoseconds(settings.helloInterval) {
                clearTransmissions()
                sendHello(now: now, since: since, actions: &actions)
            }
        case .identifying(let since):
            recoverFromDesyncIfSettled(now: now, actions: &actions)
            if now >= since + Self.nanoseconds(settings.connectTimeout) {
                giveUpConnecting(now: now, actions: &actions)
            } else if let front = inFlight.first, !inFlightAreRejected,
                      now >= max(lastProgressAt, front.sentAt) + Self.nanoseconds(ackTimeout) {
                assumeLostAcknowledgements(count: 1, now: now, actions: &actions)
            } else {
                fill(now: now, actions: &actions)
            }
        case .ready:
            recoverFromDesyncIfSettled(now: now, actions: &actions)
            if let front = inFlight.first, !inFlightAreRejected,
               now >= max(lastProgressAt, front.sentAt) + Self.nanoseconds(ackTimeout) {
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

    // MARK: - Events: what the firmware said

    /// One line from the firmware, classified.
    public mutating func received(_ reply: FirmwareReply, now: UInt64) -> [Action] {
        var actions: [Action] = []
        switch connection {
        case .closed, .lost, .halted:
            if case .console(let text) = reply { actions.append(.report(.console(text))) }
            if case .start = reply, case .halted = connection {
                // A halted firmware that restarts can be talked to again; the user reset it.
                actions.append(.report(.controllerReset))
                beginGreeting(now: now, actions: &actions)
            }
            return actions
        default:
            break
        }

        var reply = reply
        if case .console(let text) = reply, isStreaming, let glued = DamagedAcknowledgement.gluedRemainder(text) {
            counters.repairedAcknowledgements += 1
            actions = received(.ok(Acknowledgement()), now: now)
            actions.append(contentsOf: received(FirmwareReply.parse(Array(glued.utf8)), now: now))
            return actions
        }
        if case .console(let text) = reply, isStreaming, DamagedAcknowledgement.isLikely(text) {
            counters.repairedAcknowledgements += 1
            reply = .ok(Acknowledgement())
        }
        if okFollowsResend {
            switch reply {
            case .ok, .resend: break
            default: okFollowsResend = false
            }
        }
        switch reply {
        case .ok(let acknowledgement):
            lastProgressAt = now
            // M105 from the console: its answer is the temperatures on the `ok` line itself.
            if let report = acknowledgement.temperatures, case .console? = inFlight.first?.purpose {
                consoleReplies.append("ok " + report.consoleText)
            }
            handleOk(acknowledgement, now: now, actions: &actions)
        case .resend(let line):
            lastProgressAt = now
            handleResend(line, now: now, actions: &actions)
        case .busy(let reason):
            lastProgressAt = now
            // A long command at work (homing, probing) is progress for a cancel; a wait for heat or for the user
            // is what a stalled cancel must break out of.
            if reason == .processing, cancelWatch != nil { cancelWatch?.quietSince = now }
            actions.append(.report(.busy(reason)))
        case .wait:
            // An idle firmware has nothing pending: whatever is still in flight lost its `ok` or never arrived.
            lastProgressAt = now
            if isStreaming, !inFlight.isEmpty {
                assumeLostAcknowledgements(count: inFlight.count, now: now, actions: &actions)
            }
        case .temperature(let report):
            if report.isWaiting { lastProgressAt = now }
            noteTemperature(report, actions: &actions)
        case .firmwareInfo(let info):
            identity.info = info
            noteReply(info.fields.map { "\($0.key):\($0.value)" }.joined(separator: " "), actions: &actions)
        case .capability(let name, let enabled):
            identity.capabilities[name] = enabled
            noteReply("Cap:\(name):\(enabled ? 1 : 0)", actions: &actions)
        case .softEndstops(let endstops):
            identity.buildVolume = endstops
            noteReply(endstops.consoleText, actions: &actions)
        case .printArea(let area):
            // M115's geometry line comes before M211's answer, which (when the firmware has one) replaces it.
            identity.buildVolume = area.workLimits
            noteReply(area.consoleText, actions: &actions)
        case .action(let command):
            handleAction(command, now: now, actions: &actions)
        case .error(let error):
            handleError(error, now: now, actions: &actions)
        case .start:
            handleControllerStart(now: now, actions: &actions)
        case .unknownCommand(let command):
            noteReply("Unknown command: \(command)", actions: &actions)
        case .echo(let text):
            noteReply(text, actions: &actions)
        case .console(let text):
            if isStreaming, !inFlight.isEmpty { unreadableReplyAt = now }
            noteReply(text, actions: &actions)
        }
        recoverFromDesyncIfSettled(now: now, actions: &actions)
        fill(now: now, actions: &actions)
        return actions
    }

    // MARK: - Events: what the user and the job want

    /// A console command; `commandCompleted(id:replies:)` reports its acknowledgement.
    public mutating func sendCommand(_ text: String, id: UInt64, now: UInt64) -> [Action] {
        var actions: [Action] = []
        guard !text.utf8.contains(0) else {
            actions.append(.report(.commandFailed(id: id, reason: "the command holds a NUL byte, which the firmware would cut it at")))
            return actions
        }
        let command = Self.cleanCommand(text)
        guard !command.isEmpty else {
            actions.append(.report(.commandFailed(id: id, reason: "empty command")))
            return actions
        }
        guard case .ready = connection else {
            actions.append(.report(.commandFailed(id: id, reason: "printer is \(Self.describe(state))")))
            return actions
        }
        if command.count + HostLine.overhead(forLineNumber: nextNumber + pending.count + 64) > settings.maxLineLength {
            actions.append(.report(.commandFailed(
                id: id, reason: "command is longer than the firmware accepts (\(settings.maxLineLength) bytes)")))
            return actions
        }
        if CommandTraits.isEmergency(command), emergencyParserAvailable {
            if command.elementsEqual("M112".utf8) {
                actions.append(contentsOf: emergencyStop(now: now))
                actions.append(.report(.commandCompleted(id: id, replies: [])))
                return actions
            }
            // The firmware acts on these as the bytes arrive; the line still reaches its queue and earns an `ok`.
            sendOutOfBand(command, purpose: .console(id), now: now, actions: &actions)
            return actions
        }
        pending.append(PendingLine(command: command, purpose: .console(id)))
        fill(now: now, actions: &actions)
        return actions
    }

    /// Starts a job whose lines the driver will submit when `wantsJobLine` says so.
    public mutating func startJob(totalCommands: Int, fileSize: Int64, now: UInt64) -> [Action] {
        var actions: [Action] = []
        guard case .ready = connection, job == nil else {
            let reason = job == nil ? "the printer is \(Self.describe(state))" : "a job is already running"
            actions.append(.report(.jobFinished(.failed(reason), JobProgress(totalCommands: totalCommands, fileSize: fileSize))))
            return actions
        }
        job = Job(phase: .printing, progress: JobProgress(totalCommands: totalCommands, fileSize: fileSize))
        actions.append(.report(.jobStarted(totalCommands: totalCommands)))
        reportStateChange(&actions)
        return actions
    }

    /// The next command of the job file.
    public mutating func submitJobLine(command: [UInt8], fileLine: Int, endOffset: Int64, now: UInt64) -> [Action] {
        var actions: [Action] = []
        guard var current = job, current.phase == .printing, heldJobLine == nil else { return actions }
        let ref = JobLineRef(commandIndex: current.submittedCommands, fileLine: fileLine, endOffset: endOffset)
        current.submittedCommands += 1
        job = current
        heldJobLine = (command, ref)
        fill(now: now, actions: &actions)
        return actions
    }

    /// The job file has no more commands: run the completion script and finish when all is confirmed.
    public mutating func jobSourceExhausted(now: UInt64) -> [Action] {
        var actions: [Action] = []
        guard var current = job, !current.sourceExhausted else { return actions }
        current.sourceExhausted = true
        if current.phase == .printing {
            current.phase = .finishing
            job = current
            enqueueScript(settings.completionScript)
        } else {
            job = current
        }
        fill(now: now, actions: &actions)
        finishIfDrained(actions: &actions)
        return actions
    }

    /// The driver could not read the job file any further.
    public mutating func jobSourceFailed(reason: String, now: UInt64) -> [Action] {
        var actions: [Action] = []
        stopJob(outcome: .failed(reason), now: now, actions: &actions)
        return actions
    }

    public mutating func pause(now: UInt64) -> [Action] {
        var actions: [Action] = []
        pauseJob(runScript: true, now: now, actions: &actions)
        return actions
    }

    public mutating func resume(now: UInt64) -> [Action] {
        var actions: [Action] = []
        resumeJob(runScript: true, now: now, actions: &actions)
        return actions
    }

    /// Stops sending the job, runs the cancel script (heaters off) and reports `cancelled`.
    public mutating func cancel(now: UInt64) -> [Action] {
        var actions: [Action] = []
        stopJob(outcome: .cancelled, now: now, actions: &actions)
        return actions
    }

    /// M112 at once, ahead of everything; the firmware halts and the job ends.
    public mutating func emergencyStop(now: UInt64) -> [Action] {
        var actions: [Action] = [.write(Array("M112\n".utf8))]
        counters.bytesSent += 5
        switch connection {
        case .ready, .greeting, .identifying:
            connection = .halted("emergency stop (M112)")
            heldJobLine = nil
            endJob(.cancelled, actions: &actions)
            failConsoleCommands(reason: "emergency stop", actions: &actions)
            clearTransmissions()
            reportStateChange(&actions)
        default:
            break
        }
        return actions
    }

    // MARK: - Connecting

    private mutating func beginGreeting(now: UInt64, actions: inout [Action]) {
        clearTransmissions()
        identity = FirmwareIdentity()
        autoreporting = false
        windowLines = max(1, settings.maxLinesInFlight)
        fellBack = false
        advancedBufferSize = 0
        bufferFreeSeen = [Int](repeating: 0, count: 65)
        bufferFreeObservations = 0
        sendHello(now: now, since: now, actions: &actions)
        reportStateChange(&actions)
    }

    private mutating func sendHello(now: UInt64, since: UInt64, actions: inout [Action]) {
        connection = .greeting(since: since, lastHello: now)
        history.reset()
        nextNumber = 0
        let hello = SentLine(bytes: HostLine.format(number: 0, command: Array("M110 N0".utf8)), purpose: .hello,
                             isLong: false, isBarrier: true)
        history.store(hello, number: 0)
        nextNumber = 1
        transmit(hello.bytes, number: 0, purpose: .hello, isBarrier: true, now: now, actions: &actions)
    }

    private mutating func giveUpConnecting(now: UInt64, actions: inout [Action]) {
        let reason = "no answer from the printer within \(Int(settings.connectTimeout)) s: check the cable, the power and the baud rate"
        connection = .lost(reason)
        clearTransmissions()
        reportStateChange(&actions)
    }

    private mutating func finishHandshake(now: UInt64, actions: inout [Action]) {
        connection = .ready
        lastPollAt = now
        lastProgressAt = now
        if identity.has("AUTOREPORT_TEMP") {
            autoreporting = true
            let seconds = max(1, Int(settings.temperatureInterval.rounded()))
            pending.append(PendingLine(command: Array("M155 S\(seconds)".utf8), purpose: .setup))
        }
        actions.append(.report(.connected(identity)))
        reportStateChange(&actions)
    }

    private var emergencyParserAvailable: Bool {
        settings.emergencyParser ?? identity.has("EMERGENCY_PARSER")
    }

    // MARK: - Replies

    private mutating func handleOk(_ acknowledgement: Acknowledgement, now: UInt64, actions: inout [Action]) {
        if let temperatures = acknowledgement.temperatures { noteTemperature(temperatures, actions: &actions) }
        if settings.useAdvancedOk, let free = acknowledgement.bufferFree { learnAdvancedWindow(bufferFree: free) }
        if okFollowsResend {
            okFollowsResend = false
            return
        }

        guard let front = inFlight.popFirst() else {
            if assumedOutstanding > 0 {
                assumedOutstanding -= 1
            } else if case .ready = connection {
                counters.unexpectedOks += 1
                if counters.unexpectedOks >= settings.unexpectedOkLimit {
                    fallBackToOneLine("the firmware sent \(counters.unexpectedOks) acknowledgements for lines never sent", actions: &actions)
                }
            }
            return
        }
        release(front)
        unreadableReplyAt = nil
        if cancelWatch != nil { cancelWatch?.quietSince = now }
        // The line asked for executed: every rejection of the lines behind it came before this `ok`.
        if let recovery = resendRecovery, let number = front.number, number >= recovery.line { resendRecovery = nil }
        confirm(front, now: now, actions: &actions)

        if settings.useAdvancedOk, let received = acknowledgement.lineNumber, let free = acknowledgement.bufferFree {
            resynchronise(lastReceived: received, bufferFree: free, now: now)
        }
        finishIfDrained(actions: &actions)
    }

    private mutating func confirm(_ transmission: Transmission, now: UInt64, actions: inout [Action]) {
        switch transmission.purpose {
        case .hello:
            if case .greeting = connection {
                connection = .identifying(since: now)
                pending.append(PendingLine(command: Array("M115".utf8), purpose: .identify))
                pending.append(PendingLine(command: Array("M211".utf8), purpose: .buildVolume))
            }
        case .buildVolume:
            if case .identifying = connection { finishHandshake(now: now, actions: &actions) }
        case .job(let ref):
            guard var current = job else { break }
            desyncRecoveries = 0
            if ref.commandIndex >= current.progress.confirmedCommands {
                current.progress.confirmedCommands = ref.commandIndex + 1
                current.progress.lastConfirmedFileLine = ref.fileLine
                current.progress.confirmedOffset = ref.endOffset
                job = current
            }
        case .console(let id):
            actions.append(.report(.commandCompleted(id: id, replies: consoleReplies)))
            consoleReplies.removeAll(keepingCapacity: true)
        case .identify, .setup, .poll, .script, .emergency, .renumber:
            break
        }
    }

    /// A resend request. Marlin (and Prusa, and most others) empties its receive buffer when it rejects a line
    /// (`gcode_line_error` reads it dry), keeps the lines it had already accepted into its command queue (their
    /// `ok`s still come), and answers `Error`, `Resend: n`, `ok`. Lines that were on the wire behind the rejected
    /// one are rejected in turn, each with the same `Resend: n` — or vanish in the emptied buffer. So: lines from
    /// `n` on leave the window, the `ok` after each request is not an acknowledgement, and `n` goes out again at
    /// once while the requests still to come from the lines behind it are counted off (OctoPrint swallows such
    /// repetitions the same way).
    private mutating func handleResend(_ line: Int, now: UInt64, actions: inout [Action]) {
        counters.resendRequests += 1
        guard isStreaming else {
            // During the handshake a resend means the hello was garbled: say it again.
            if case .greeting(let since, _) = connection {
                clearTransmissions()
                sendHello(now: now, since: since, actions: &actions)
            }
            return
        }
        okFollowsResend = !settings.resendWithoutOk
        let lastLine = reportedLastLine
        let damagedLine = precedingErrorWasDamage
        reportedLastLine = nil
        precedingErrorWasDamage = false
        // A line that was in flight behind the bad one, rejected in turn, is rejected for its number (its bytes were
        // fine); a line sent again that arrived damaged is rejected for its checksum: that request is new.
        // Repetitions come from lines already on the wire: within the wire time of a full receive buffer.
        if let recovery = resendRecovery, recovery.line == line, !damagedLine, now <= recovery.until {
            counters.ignoredDuplicateResends += 1
            resendRecovery = recovery.duplicates > 1 ? (line, recovery.duplicates - 1, recovery.until) : nil
            return
        }
        // A line the firmware cannot want while its counter is the host's: one never sent, or one no longer
        // held. (A line an `ok` seemed to confirm is not one of them: under noise an `ok` can be a rejection's.)
        guard line <= history.highest + 1, line >= history.oldest,
              history[line] != nil || line == history.highest + 1 else {
            noteUnmatchedResend(line, errorLastLine: lastLine, now: now, actions: &actions)
            return
        }
        desync = nil
        var behind = 0
        for offset in 0..<inFlight.count where (inFlight[offset].number ?? -1) > line { behind += 1 }
        dropFromWindow(from: line)
        guard line <= history.highest else { return } // it wants the next line: nothing to send again

        if line == lastGenuineResend {
            sameLineResends += 1
        } else {
            lastGenuineResend = line
            sameLineResends = 1
        }
        if sameLineResends > settings.resendStormLimit {
            stopJob(outcome: .failed("resend storm: the printer asked for line \(line) \(sameLineResends) times in a row; check the cable and the baud rate"),
                    now: now, actions: &actions)
            return
        }
        noteResendForMisbehaviour(actions: &actions)
        counters.linesResent += history.highest - line + 1
        // Sent again at once: every line that was behind the bad one can cause one more request for it, and no
        // more, so that many are expected, and a request beyond them is new (the line failed again). A line
        // drained silently leaves one expected request that never comes: the next new failure then costs the
        // rest of the lines sent again, each rejected in turn, before its request is believed — never a line.
        resendCursor = line
        resendRecovery = behind > 0 ? (line, behind, now + settleTime) : nil
    }

    /// A request for a line the host cannot send again. A garbled number looks the same once; the firmware's
    /// counter having left the host's (a firmware or a line that renumbered) shows as the same request again,
    /// or as one that agrees with the `Last Line:` of the error before it. Each such request is one line the
    /// firmware rejected.
    private mutating func noteUnmatchedResend(_ line: Int, errorLastLine: Int?, now: UInt64, actions: inout [Action]) {
        var current = desync?.line == line ? desync! : LineNumberDesync(line: line)
        current.requests += 1
        current.quietUntil = now + settleTime
        if !current.believed, current.requests >= 2 || errorLastLine == line - 1 {
            current.believed = true
            actions.append(.report(.console(
                "the printer wants line \(line), which the host cannot send (it is at \(nextNumber)): its line numbers left the host's; renumbering with M110")))
        }
        desync = current
    }

    /// With the firmware out of step, the lines still in flight are the rejected ones once the lines it had
    /// accepted before (still executing) have their `ok`s: those are not to be taken as lost.
    private var inFlightAreRejected: Bool {
        guard let desync, desync.believed else { return false }
        return inFlight.count <= desync.requests
    }

    /// Once the rejections have settled and the accepted lines are confirmed: the firmware's number is set to the
    /// host's with M110, and the rejected lines go out again, in order, under new numbers.
    private mutating func recoverFromDesyncIfSettled(now: UInt64, actions: inout [Action]) {
        guard let current = desync, current.believed, now >= current.quietUntil, inFlightAreRejected else { return }
        desync = nil
        resendCursor = nil
        resendRecovery = nil
        desyncRecoveries += 1
        let cancelling: Bool
        if case .cancelling? = job?.phase { cancelling = true } else { cancelling = false }
        var again: [PendingLine] = []
        while let rejected = inFlight.popFirst() {
            release(rejected)
            guard let number = rejected.number, let sent = history[number] else { continue }
            switch rejected.purpose {
            case .hello, .renumber, .poll, .emergency:
                continue // the renumbering replaces these, and polls come round again
            case .job where cancelling:
                continue
            case .job, .identify, .buildVolume, .setup, .console, .script:
                again.append(PendingLine(command: sent.command, purpose: rejected.purpose))
            }
        }
        // The next job line waits behind the rejected ones, never ahead of them.
        if let held = heldJobLine {
            heldJobLine = nil
            again.append(PendingLine(command: held.command, purpose: .job(held.ref)))
        }
        for line in again.reversed() { pending.prepend(line) }
        pending.prepend(PendingLine(command: [], purpose: .renumber))
        if desyncRecoveries > settings.desyncRecoveryLimit, job != nil, !cancelling {
            stopJob(outcome: .failed("the printer's line numbers left the host's \(desyncRecoveries) times without the job moving on; check the firmware and the G-code"),
                    now: now, actions: &actions)
        }
    }

    /// A cancel whose lines have not been confirmed for `cancelTimeout` (a link out of step, a firmware waiting
    /// for heat or for the user): first the line numbers are set again and only the heaters are switched off,
    /// then M108 breaks a wait where the firmware has the emergency parser, then M112 stops the printer.
    private mutating func escalateCancelIfStalled(now: UInt64, actions: inout [Action]) {
        guard let watch = cancelWatch, case .cancelling? = job?.phase,
              now >= watch.quietSince + Self.nanoseconds(settings.cancelTimeout) else { return }
        let seconds = Self.formatSeconds(settings.cancelTimeout)
        switch watch.step {
        case nil:
            // What is in flight is given up: it leaves the window, and keeps its place for the `ok` it may still
            // earn (a line waiting behind a heat-up executes once M108 ends the wait).
            for offset in 0..<inFlight.count where !inFlight[offset].abandoned {
                var line = inFlight[offset]
                inFlightBytes -= line.byteCount
                if line.isBarrier { barriersInFlight -= 1 }
                line.byteCount = 0
                line.isBarrier = false
                line.abandoned = true
                inFlight[offset] = line
                abandonedInFlight += 1
            }
            failConsoleCommands(reason: "the cancel escalated", actions: &actions)
            pending.removeAll()
            resendCursor = nil
            resendRecovery = nil
            desync = nil
            pending.append(PendingLine(command: [], purpose: .renumber))
            enqueueScript(Self.heatersOff)
            cancelWatch = (.resynchronised, now)
            actions.append(.report(.cancelEscalated(.resynchronised, "the cancel script got no answer for \(seconds) s: the line numbers were set again (M110) and only the heaters are switched off (\(Self.heatersOff.joined(separator: ", ")))")))
        case .resynchronised? where emergencyParserAvailable:
            var bytes = Array("M108".utf8)
            bytes.append(UInt8(ascii: "\n"))
            actions.append(.write(bytes))
            counters.bytesSent += bytes.count
            cancelWatch = (.waitBroken, now)
            actions.append(.report(.cancelEscalated(.waitBroken, "the heaters-off lines got no answer for \(seconds) s: M108 sent to break a wait for heat or for the user")))
        case .resynchronised?, .waitBroken?:
            actions.append(.report(.cancelEscalated(.emergencyStop, "the printer took no line of the cancel for \(3 * settings.cancelTimeout) s: emergency stop (M112) sent. A halted Marlin switches its heaters off, but the host could not confirm it: check the printer")))
            actions.append(contentsOf: emergencyStop(now: now))
        case .emergencyStop?:
            break
        }
    }

    /// What the agent sends when a cancel must be cut short or a print was cut off by a crash: the heaters
    /// off, never a script that may move the head.
    public static let heatersOff = ["M104 S0", "M140 S0"]

    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }

    /// Time for the rejections of lines still on the wire to come back: how long repetitions of a resend request
    /// are expected, and how long a firmware out of step is given before it is renumbered. Twice the wire time of
    /// a full receive buffer, plus scheduling slack.
    private var settleTime: UInt64 {
        Self.nanoseconds(0.005 + 2 * Double(settings.receiveBufferBytes) / max(settings.lineBytesPerSecond, 1))
    }

    /// Lines numbered `line` and after were rejected or emptied out of the firmware's buffer.
    private mutating func dropFromWindow(from line: Int) {
        var kept = RingQueue<Transmission>(capacity: max(inFlight.count, 8))
        var dropping = false
        while let transmission = inFlight.popFirst() {
            if let number = transmission.number, number >= line { dropping = true }
            if dropping {
                release(transmission)
            } else {
                kept.append(transmission)
            }
        }
        inFlight = kept
    }

    private mutating func handleError(_ error: FirmwareError, now: UInt64, actions: inout [Action]) {
        switch error {
        case .lineNumberMismatch(let last), .checksumMismatch(let last), .missingChecksum(let last),
             .missingLineNumber(let last):
            // The resend request that follows carries what matters; the last line confirms an odd one, and the
            // kind of error tells a repetition (a line number) from a new failure (a damaged line).
            reportedLastLine = last
            if case .lineNumberMismatch = error { precedingErrorWasDamage = false } else { precedingErrorWasDamage = true }
            noteReply(Self.describe(error), actions: &actions)
        case .halted, .heaterFault:
            let reason = Self.describe(error)
            actions.append(.report(.firmwareError(error)))
            actions.append(.report(.console(reason)))
            connection = .halted(reason)
            heldJobLine = nil
            endJob(.failed("printer halted: \(reason)"), actions: &actions)
            failConsoleCommands(reason: "printer halted: \(reason)", actions: &actions)
            clearTransmissions()
            reportStateChange(&actions)
        case .other, .receiveBufferOverflow:
            // A receive-buffer overflow damaged a line at most; that line's own `Resend:` recovers it.
            actions.append(.report(.firmwareError(error)))
            noteReply(Self.describe(error), actions: &actions)
        }
    }

    private mutating func handleAction(_ command: ActionCommand, now: UInt64, actions: inout [Action]) {
        switch command {
        case .pause: pauseJob(runScript: true, now: now, actions: &actions)
        case .paused: pauseJob(runScript: false, now: now, actions: &actions)
        case .resume: resumeJob(runScript: true, now: now, actions: &actions)
        case .resumed: resumeJob(runScript: false, now: now, actions: &actions)
        case .cancel: stopJob(outcome: .cancelled, now: now, actions: &actions)
        case .notification(let text), .promptBegin(let text):
            actions.append(.report(.message(text)))
        default:
            break
        }
        actions.append(.report(.action(command)))
    }

    /// `start` after the controller booted: during the handshake the hello was lost in the reset; after it,
    /// the controller lost everything, and a running job is interrupted, never continued.
    private mutating func handleControllerStart(now: UInt64, actions: inout [Action]) {
        actions.append(.report(.console("start")))
        switch connection {
        case .greeting(let since, _):
            clearTransmissions()
            sendHello(now: now, since: since, actions: &actions)
        default:
            actions.append(.report(.controllerReset))
            heldJobLine = nil
            endJob(.interrupted("the printer's controller reset"), actions: &actions)
            failConsoleCommands(reason: "the printer's controller reset", actions: &actions)
            beginGreeting(now: now, actions: &actions)
        }
    }

    private mutating func noteTemperature(_ report: TemperatureReport, actions: inout [Action]) {
        lastTemperature = report
        counters.temperatureReports += 1
        actions.append(.report(.temperature(report)))
    }

    /// Any non-`ok` line: for the console, and as a reply of the console command at the front.
    private mutating func noteReply(_ text: String, actions: inout [Action]) {
        if case .console? = inFlight.first?.purpose { consoleReplies.append(text) }
        actions.append(.report(.console(text)))
    }

    // MARK: - Job control

    private mutating func pauseJob(runScript: Bool, now: UInt64, actions: inout [Action]) {
        guard var current = job, current.phase == .printing else { return }
        current.phase = .pausing(runScript: runScript)
        job = current
        if runScript { enqueueScript(settings.pauseScript) }
        reportStateChange(&actions)
        fill(now: now, actions: &actions)
        finishIfDrained(actions: &actions)
    }

    private mutating func resumeJob(runScript: Bool, now: UInt64, actions: inout [Action]) {
        guard var current = job else { return }
        switch current.phase {
        case .paused, .pausing: break
        default: return
        }
        current.phase = current.sourceExhausted ? .finishing : .printing
        job = current
        if runScript { enqueueScript(settings.resumeScript) }
        if current.sourceExhausted { enqueueScript(settings.completionScript) }
        reportStateChange(&actions)
        fill(now: now, actions: &actions)
    }

    private mutating func stopJob(outcome: JobOutcome, now: UInt64, actions: inout [Action]) {
        guard var current = job else { return }
        if case .cancelling = current.phase { return }
        current.phase = .cancelling(outcome)
        job = current
        heldJobLine = nil
        cancelWatch = (nil, now)
        if resendCursor != nil || resendRecovery != nil, desync?.believed != true {
            resendCursor = nil
            pending.prepend(PendingLine(command: [], purpose: .renumber))
        }
        // Lines of the job still waiting in the queue are dropped; heaters go off.
        var kept = RingQueue<PendingLine>(capacity: pending.count + settings.cancelScript.count)
        while let line = pending.popFirst() {
            if case .job = line.purpose { continue }
            kept.append(line)
        }
        pending = kept
        enqueueScript(settings.cancelScript)
        reportStateChange(&actions)
        fill(now: now, actions: &actions)
        finishIfDrained(actions: &actions)
    }

    private var isDrained: Bool {
        inFlight.isEmpty && pending.isEmpty && resendCursor == nil && heldJobLine == nil
    }

    private mutating func finishIfDrained(actions: inout [Action]) {
        guard let current = job, isDrained else { return }
        switch current.phase {
        case .pausing:
            job?.phase = .paused
            reportStateChange(&actions)
        case .cancelling(let outcome):
            endJob(outcome, actions: &actions)
            reportStateChange(&actions)
        case .finishing:
            endJob(.completed, actions: &actions)
            reportStateChange(&actions)
        case .printing, .paused:
            break
        }
    }

    private mutating func endJob(_ outcome: JobOutcome, actions: inout [Action]) {
        guard let current = job else { return }
        job = nil
        cancelWatch = nil
        desyncRecoveries = 0
        var finalOutcome = outcome
        if case .interrupted(let reason) = outcome {
            finalOutcome = .interrupted("\(reason); last line the printer confirmed: \(current.progress.lastConfirmedFileLine)")
        }
        actions.append(.report(.jobFinished(finalOutcome, current.progress)))
    }

    private mutating func enqueueScript(_ lines: [String]) {
        for line in lines {
            let command = Self.cleanCommand(line)
            if !command.isEmpty { pending.append(PendingLine(command: command, purpose: .script)) }
        }
    }

    // MARK: - Sending

    /// Sends what the window allows: lines to send again first, then the held job line, then queued lines.
    private mutating func fill(now: UInt64, actions: inout [Action]) {
        // Out of step, every line would be rejected: nothing goes out until the renumbering.
        guard isStreaming, desync?.believed != true else { return }
        var output: [UInt8] = []
        while true {
            if let cursor = resendCursor {
                if cursor > history.highest { resendCursor = nil; continue }
                guard let line = history[cursor] else { resendCursor = nil; continue }
                guard windowAllows(line.bytes.count) else { break }
                append(line.bytes, number: cursor, purpose: line.purpose, isLong: line.isLong, isBarrier: line.isBarrier,
                       now: now, into: &output)
                resendCursor = cursor + 1
                continue
            }
            if let held = heldJobLine {
                let length = held.command.count + HostLine.overhead(forLineNumber: nextNumber)
                guard windowAllows(length) else { break }
                heldJobLine = nil
                sendNumbered(held.command, purpose: .job(held.ref), now: now, into: &output)
                continue
            }
            if let next = pending.first {
                let length = max(next.command.count, 12) + HostLine.overhead(forLineNumber: nextNumber)
                guard windowAllows(length) else { break }
                pending.popFirst()
                if case .poll = next.purpose { lastPollAt = now }
                sendNumbered(next.command, purpose: next.purpose, now: now, into: &output)
                continue
            }
            break
        }
        if !output.isEmpty { actions.append(.write(output)) }
    }

    private func windowAllows(_ length: Int) -> Bool {
        let counted = inFlight.count - abandonedInFlight
        return counted == 0 || (barriersInFlight == 0 && counted < windowLines
            && inFlightBytes + length <= settings.receiveBufferBytes)
    }

    private mutating func sendNumbered(_ command: [UInt8], purpose: LinePurpose, now: UInt64, into output: inout [UInt8]) {
        let number = nextNumber
        nextNumber += 1
        // The host owns the numbering: an M110 of a job or of the console says the number the host is at, so
        // the firmware's counter never leaves the host's (OctoPrint absorbs it the same way).
        let isBarrier = purpose == .renumber || CommandTraits.setsLineNumber(command)
        let command = isBarrier ? Array("M110 N\(number)".utf8) : command
        let bytes = HostLine.format(number: number, command: command)
        if case .job = purpose { counters.jobBytesSent += bytes.count }
        let isLong = CommandTraits.isLong(command)
        history.store(SentLine(bytes: bytes, purpose: purpose, isLong: isLong, isBarrier: isBarrier), number: number)
        append(bytes, number: number, purpose: purpose, isLong: isLong, isBarrier: isBarrier, now: now, into: &output)
    }

    private mutating func append(_ bytes: [UInt8], number: Int?, purpose: LinePurpose, isLong: Bool, isBarrier: Bool,
                                 now: UInt64, into output: inout [UInt8]) {
        output.append(contentsOf: bytes)
        track(Transmission(number: number, byteCount: bytes.count, purpose: purpose, isLong: isLong,
                           isBarrier: isBarrier, sentAt: now))
    }

    private mutating func transmit(_ bytes: [UInt8], number: Int?, purpose: LinePurpose, isBarrier: Bool, now: UInt64,
                                   actions: inout [Action]) {
        track(Transmission(number: number, byteCount: bytes.count, purpose: purpose, isLong: false,
                           isBarrier: isBarrier, sentAt: now))
        actions.append(.write(bytes))
    }

    private mutating func track(_ transmission: Transmission) {
        if inFlight.isEmpty { lastProgressAt = transmission.sentAt }
        inFlight.append(transmission)
        inFlightBytes += transmission.byteCount
        if transmission.isLong { longInFlight += 1 }
        if transmission.isBarrier { barriersInFlight += 1 }
        counters.linesSent += 1
        counters.bytesSent += transmission.byteCount
    }

    private mutating func release(_ transmission: Transmission) {
        if transmission.abandoned { abandonedInFlight -= 1 }
        inFlightBytes -= transmission.byteCount
        if transmission.isLong { longInFlight -= 1 }
        if transmission.isBarrier { barriersInFlight -= 1 }
    }

    private mutating func sendOutOfBand(_ command: [UInt8], purpose: LinePurpose, now: UInt64, actions: inout [Action]) {
        var bytes = command
        bytes.append(UInt8(ascii: "\n"))
        transmit(bytes, number: nil, purpose: purpose, isBarrier: false, now: now, actions: &actions)
    }

    private mutating func clearTransmissions() {
        inFlight.removeAll()
        inFlightBytes = 0
        abandonedInFlight = 0
        longInFlight = 0
        barriersInFlight = 0
        pending.removeAll()
        heldJobLine = nil
        resendCursor = nil
        resendRecovery = nil
        okFollowsResend = false
        assumedOutstanding = 0
        unreadableReplyAt = nil
        consoleReplies.removeAll()
        lastGenuineResend = -1
        sameLineResends = 0
        desync = nil
        reportedLastLine = nil
        precedingErrorWasDamage = false
    }

    // MARK: - Timeouts, polls, the window

    /// Silence with lines in flight: the oldest line's `ok` is taken as lost, and a numbered poll follows
    /// so that a line that never arrived shows up as a resend request.
    private mutating func assumeLostAcknowledgements(count: Int, now: UInt64, actions: inout [Action]) {
        for _ in 0..<count {
            // Lines the firmware rejected are never taken as acknowledged: the renumbering sends them again.
            guard !inFlightAreRejected, let front = inFlight.popFirst() else { break }
            release(front)
            counters.assumedAcknowledgements += 1
            assumedOutstanding += 1
            confirm(front, now: now, actions: &actions)
        }
        lastProgressAt = now
        if !pending.contains(where: { $0.purpose == .poll }) {
            pending.append(PendingLine(command: Array("M105".utf8), purpose: .poll))
        }
        fill(now: now, actions: &actions)
        finishIfDrained(actions: &actions)
    }

    private mutating func schedulePollIfDue(now: UInt64) {
        guard !autoreporting, longInFlight == 0,
              now >= lastPollAt + Self.nanoseconds(settings.temperatureInterval) else { return }
        lastPollAt = now
        if !pending.contains(where: { $0.purpose == .poll }) {
            pending.append(PendingLine(command: Array("M105".utf8), purpose: .poll))
        }
    }

    /// ADVANCED_OK's `B` is the command buffer's free slots while the acknowledged command still holds one,
    /// so BUFSIZE is the largest `B` plus one. A garbled digit can show any `B` once in a while: only a value
    /// that makes up at least 5% of what the firmware said counts.
    private mutating func learnAdvancedWindow(bufferFree: Int) {
        guard bufferFree >= 0, bufferFree < bufferFreeSeen.count else { return }
        bufferFreeSeen[bufferFree] += 1
        bufferFreeObservations += 1
        guard bufferFreeObservations >= 20, bufferFreeObservations % 8 == 0 || advancedBufferSize == 0 else { return }
        var size = 0
        for value in stride(from: bufferFreeSeen.count - 1, through: 0, by: -1)
        where bufferFreeSeen[value] * 20 >= bufferFreeObservations {
            size = value + 1
            break
        }
        guard size > 0 else { return }
        advancedBufferSize = size
        if !fellBack {
            windowLines = min(settings.maxLinesInFlightCeiling, max(settings.maxLinesInFlight, advancedBufferSize))
        }
    }

    /// ADVANCED_OK's `N` is the line the firmware received last, and `B` its free command slots while the
    /// acknowledged command still holds one: so `BUFSIZE - 1 - B` lines after the acknowledged one wait in its
    /// queue, and every line up to `N` minus those has executed. A line the host still counts in flight up to
    /// there lost its `ok` on the way back. (Firmwares whose `N` is the acknowledged line itself satisfy the
    /// same bound, more loosely.)
    private mutating func resynchronise(lastReceived: Int, bufferFree: Int, now: UInt64) {
        guard advancedBufferSize > 0 else { return }
        let executedThrough = lastReceived - max(0, advancedBufferSize - 1 - bufferFree)
        while let front = inFlight.first, let number = front.number, number <= executedThrough {
            inFlight.popFirst()
            release(front)
            counters.assumedAcknowledgements += 1
            var ignored: [Action] = []
            confirm(front, now: now, actions: &ignored)
        }
    }

    private mutating func noteResendForMisbehaviour(actions: inout [Action]) {
        recentResendMarks.append(counters.linesSent)
        while recentResendMarks.count > settings.misbehaviourResends { recentResendMarks.popFirst() }
        if recentResendMarks.count == settings.misbehaviourResends, let oldest = recentResendMarks.first,
           counters.linesSent - oldest <= settings.misbehaviourWindowLines, windowLines > 1 {
            fallBackToOneLine("\(settings.misbehaviourResends) resend requests within \(settings.misbehaviourWindowLines) lines", actions: &actions)
        }
    }

    private mutating func fallBackToOneLine(_ reason: String, actions: inout [Action]) {
        guard !fellBack, windowLines > 1 else { return }
        fellBack = true
        windowLines = 1
        actions.append(.report(.windowFallback(reason)))
    }

    private mutating func failConsoleCommands(reason: String, actions: inout [Action]) {
        var ids: [UInt64] = []
        for offset in 0..<inFlight.count { if case .console(let id) = inFlight[offset].purpose { ids.append(id) } }
        for offset in 0..<pending.count { if case .console(let id) = pending[offset].purpose { ids.append(id) } }
        for id in ids { actions.append(.report(.commandFailed(id: id, reason: reason))) }
    }

    private mutating func reportStateChange(_ actions: inout [Action]) {
        let current = state
        if current != reportedState {
            reportedState = current
            actions.append(.report(.stateChanged(current)))
        }
    }

    // MARK: - Helpers

    static func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(max(0, seconds) * 1_000_000_000) }

    /// A console or script line as the firmware should see it: comment stripped, trimmed.
    static func cleanCommand(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        if let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) { bytes.removeSubrange(semicolon...) }
        bytes = GCodeComments.removingParenComments(bytes)
        while let last = bytes.last, last == 0x20 || last == 0x09 || last == 0x0D || last == 0x0A { bytes.removeLast() }
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
        return bytes
    }

    static func describe(_ state: PrinterState) -> String {
        switch state {
        case .connecting: return "connecting"
        case .ready: return "ready"
        case .printing: return "printing"
        case .pausing: return "pausing"
        case .paused: return "paused"
        case .cancelling: return "cancelling"
        case .halted(let reason): return "halted (\(reason))"
        case .disconnected(let reason): return "disconnected (\(reason))"
        }
    }

    static func describe(_ error: FirmwareError) -> String {
        switch error {
        case .lineNumberMismatch(let last): return "line number mismatch (last line \(last.map(String.init) ?? "?"))"
        case .checksumMismatch(let last): return "checksum mismatch (last line \(last.map(String.init) ?? "?"))"
        case .missingChecksum(let last): return "no checksum with line number (last line \(last.map(String.init) ?? "?"))"
        case .missingLineNumber(let last): return "no line number with checksum (last line \(last.map(String.init) ?? "?"))"
        case .halted(let text): return text
        case .heaterFault(let fault): return fault.message
        case .receiveBufferOverflow(let waiting):
            return "receive buffer overflow (\(waiting.map { "\($0) bytes waiting" } ?? "bytes may be lost"))"
        case .other(let text): return text
        }
    }
}

extension RingQueue {
    func contains(where predicate: (Element) -> Bool) -> Bool {
        for offset in 0..<count where predicate(self[offset]) { return true }
        return false
    }
}
