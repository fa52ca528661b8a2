import GCode

/// What the user and the job want: console commands, the job's lines, pause, resume, cancel, emergency stop.
extension HostProtocolStateMachine {
    /// A console command; `commandCompleted(id:replies:)` reports its acknowledgement.
    public mutating func sendCommand(_ text: String, id: UInt64, now: ContinuousClock.Instant) -> [Action] {
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
        let waiting = outgoing.queued.count
        if command.count + HostLine.overhead(forLineNumber: outgoing.nextNumber + waiting + 64) > settings.maxLineLength {
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
        outgoing.enqueue(PendingLine(command: command, purpose: .console(id)))
        fill(now: now, actions: &actions)
        return actions
    }

    /// Starts a job whose lines the driver will submit when `wantsJobLine` says so.
    public mutating func startJob(totalCommands: Int, fileSize: Int64, now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        guard case .ready = connection, job == nil else {
            let reason = job == nil ? "the printer is \(Self.describe(state))" : "a job is already running"
            actions.append(.report(.jobFinished(.failed(reason), JobProgress(totalCommands: totalCommands, fileSize: fileSize))))
            actions.append(.closeJobSource)
            return actions
        }
        job = PrintJob(totalCommands: totalCommands, fileSize: fileSize)
        actions.append(.report(.jobStarted(totalCommands: totalCommands)))
        reportStateChange(&actions)
        return actions
    }

    /// The next command of the job file.
    public mutating func submitJobLine(command: [UInt8], fileLine: Int, endOffset: Int64, now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        guard job?.phase == .printing, outgoing.heldJobLine == nil,
              let ref = job?.nextLine(fileLine: fileLine, endOffset: endOffset) else { return actions }
        outgoing.hold(command, ref: ref)
        fill(now: now, actions: &actions)
        return actions
    }

    /// The job file has no more commands: run the completion script and finish when all is confirmed.
    public mutating func jobSourceExhausted(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        guard let current = job, !current.sourceExhausted else { return actions }
        if job?.exhaustSource() == true { enqueueScript(settings.completionScript) }
        fill(now: now, actions: &actions)
        finishIfDrained(actions: &actions)
        return actions
    }

    /// The driver could not read the job file any further.
    public mutating func jobSourceFailed(reason: String, now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        stopJob(outcome: .failed(reason), now: now, actions: &actions)
        return actions
    }

    public mutating func pause(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        pauseJob(runScript: true, now: now, actions: &actions)
        return actions
    }

    public mutating func resume(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        resumeJob(runScript: true, now: now, actions: &actions)
        return actions
    }

    /// Stops sending the job, runs the cancel script (heaters off) and reports `cancelled`.
    public mutating func cancel(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        stopJob(outcome: .cancelled, now: now, actions: &actions)
        return actions
    }

    /// M112 at once, ahead of everything; the firmware halts and the job ends.
    public mutating func emergencyStop(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = [.write(Array("M112\n".utf8))]
        counters.bytesSent += 5
        switch connection {
        case .ready, .greeting, .identifying:
            connection = .halted("emergency stop (M112)")
            endJob(.cancelled, actions: &actions)
            failConsoleCommands(reason: "emergency stop", actions: &actions)
            clearTransmissions()
            reportStateChange(&actions)
        default:
            break
        }
        return actions
    }

    // MARK: - Job control

    mutating func pauseJob(runScript: Bool, now: ContinuousClock.Instant, actions: inout [Action]) {
        guard job?.phase == .printing else { return }
        job?.phase = .pausing(runScript: runScript)
        if runScript { enqueueScript(settings.pauseScript) }
        reportStateChange(&actions)
        fill(now: now, actions: &actions)
        finishIfDrained(actions: &actions)
    }

    mutating func resumeJob(runScript: Bool, now: ContinuousClock.Instant, actions: inout [Action]) {
        guard let current = job else { return }
        switch current.phase {
        case .paused, .pausing: break
        default: return
        }
        job?.phase = current.sourceExhausted ? .finishing : .printing
        if runScript { enqueueScript(settings.resumeScript) }
        if current.sourceExhausted { enqueueScript(settings.completionScript) }
        reportStateChange(&actions)
        fill(now: now, actions: &actions)
    }

    /// The job's lines still waiting are dropped and the cancel script (heaters off) runs; a resend in progress
    /// is cut short by setting the line numbers again, so that the script is accepted rather than rejected for
    /// the line the firmware still wants.
    mutating func stopJob(outcome: JobOutcome, now: ContinuousClock.Instant, actions: inout [Action]) {
        guard let current = job, !current.isCancelling else { return }
        job?.phase = .cancelling(outcome, watch: CancelWatch(step: nil, quietSince: now))
        if outgoing.isRewinding || resends.isRecovering, !resends.isOutOfStep {
            outgoing.stopRewinding()
            outgoing.enqueueFirst(PendingLine(command: [], purpose: .renumber))
        }
        outgoing.dropJobLines()
        enqueueScript(settings.cancelScript)
        reportStateChange(&actions)
        fill(now: now, actions: &actions)
        finishIfDrained(actions: &actions)
    }

    /// A cancel whose lines have not been confirmed for `cancelTimeout` (a link out of step, a firmware waiting
    /// for heat or for the user) escalates a step at a time: see `CancelWatch`.
    mutating func escalateCancelIfStalled(now: ContinuousClock.Instant, actions: inout [Action]) {
        guard let watch = job?.cancelWatch,
              let step = watch.dueStep(now: now, timeout: settings.cancelTimeout, emergencyParser: emergencyParserAvailable)
        else { return }
        let seconds = Self.secondsText(settings.cancelTimeout)
        switch step {
        case .resynchronised:
            window.abandonAll()
            failConsoleCommands(reason: "the cancel escalated", actions: &actions)
            outgoing.dropQueued()
            outgoing.stopRewinding()
            resends.abandon()
            outgoing.enqueue(PendingLine(command: [], purpose: .renumber))
            enqueueScript(Self.heatersOff)
            job?.cancelEscalated(to: .resynchronised, now: now)
            actions.append(.report(.cancelEscalated(.resynchronised, "the cancel script got no answer for \(seconds) s: the line numbers were set again (M110) and only the heaters are switched off (\(Self.heatersOff.joined(separator: ", ")))")))
        case .waitBroken:
            var bytes = Array("M108".utf8)
            bytes.append(UInt8(ascii: "\n"))
            actions.append(.write(bytes))
            counters.bytesSent += bytes.count
            job?.cancelEscalated(to: .waitBroken, now: now)
            actions.append(.report(.cancelEscalated(.waitBroken, "the heaters-off lines got no answer for \(seconds) s: M108 sent to break a wait for heat or for the user")))
        case .emergencyStop:
            actions.append(.report(.cancelEscalated(.emergencyStop, "the printer took no line of the cancel for \(Self.secondsText(settings.cancelTimeout * 3)) s: emergency stop (M112) sent. A halted Marlin switches its heaters off, but the host could not confirm it: check the printer")))
            actions.append(contentsOf: emergencyStop(now: now))
        }
    }

    /// What the agent sends when a cancel must be cut short or a print was cut off by a crash: the heaters
    /// off, never a script that may move the head.
    public static let heatersOff = ["M104 S0", "M140 S0"]

    var isDrained: Bool { window.isEmpty && outgoing.isEmpty }

    mutating func finishIfDrained(actions: inout [Action]) {
        guard let current = job, isDrained else { return }
        switch current.phase {
        case .pausing:
            job?.phase = .paused
            reportStateChange(&actions)
        case .cancelling(let outcome, _):
            endJob(outcome, actions: &actions)
            reportStateChange(&actions)
        case .finishing:
            endJob(.completed, actions: &actions)
            reportStateChange(&actions)
        case .printing, .paused:
            break
        }
    }

    mutating func endJob(_ outcome: JobOutcome, actions: inout [Action]) {
        guard let current = job else { return }
        job = nil
        outgoing.dropJobLines()
        resends.jobProgressed()
        actions.append(.report(.jobFinished(current.finalOutcome(outcome), current.progress)))
        actions.append(.closeJobSource)
    }

    mutating func enqueueScript(_ lines: [String]) {
        for line in lines {
            let command = Self.cleanCommand(line)
            if !command.isEmpty { outgoing.enqueue(PendingLine(command: command, purpose: .script)) }
        }
    }
}
