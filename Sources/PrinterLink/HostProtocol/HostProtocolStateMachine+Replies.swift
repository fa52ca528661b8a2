import GCode

/// What the firmware said.
extension HostProtocolStateMachine {
    /// One line from the firmware, classified.
    public mutating func received(_ reply: FirmwareReply, now: ContinuousClock.Instant) -> [Action] {
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
        switch reply {
        case .ok, .resend: break
        default: resends.otherReplyArrived()
        }
        switch reply {
        case .ok(let acknowledgement):
            lastProgressAt = now
            // M105 from the console: its answer is the temperatures on the `ok` line itself.
            if let report = acknowledgement.temperatures, case .console? = window.first?.purpose {
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
            if reason == .processing { job?.cancelProgressed(now: now) }
            actions.append(.report(.busy(reason)))
        case .wait:
            // An idle firmware has nothing pending: whatever is still in flight lost its `ok` or never arrived.
            lastProgressAt = now
            if isStreaming, !window.isEmpty {
                assumeLostAcknowledgements(count: window.count, now: now, actions: &actions)
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
            if isStreaming, !window.isEmpty { unreadableReplyAt = now }
            noteReply(text, actions: &actions)
        }
        renumberIfOutOfStep(now: now, actions: &actions)
        fill(now: now, actions: &actions)
        return actions
    }

    private mutating func handleOk(_ acknowledgement: Acknowledgement, now: ContinuousClock.Instant, actions: inout [Action]) {
        if let temperatures = acknowledgement.temperatures { noteTemperature(temperatures, actions: &actions) }
        if settings.useAdvancedOk, let free = acknowledgement.bufferFree { window.learn(bufferFree: free) }
        if resends.takeOkFollowingRequest() { return }
        // ADVANCED_OK's `N` is at least the line this `ok` is for: one below the oldest line in flight is the late
        // `ok` of a line already taken as executed (a garbled `N` had said so), not the front's.
        if settings.useAdvancedOk, let received = acknowledgement.lineNumber, let oldest = window.first?.number,
           received < oldest, received >= outgoing.history.oldest {
            if assumedOutstanding > 0 { assumedOutstanding -= 1 }
            return
        }

        guard let front = window.popFirst() else {
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
        unreadableReplyAt = nil
        acknowledgementLatency = (acknowledgementLatency * 7 + front.sentAt.duration(to: now)) / 8
        job?.cancelProgressed(now: now)
        if let number = front.number { resends.confirmed(number) }
        confirm(front, now: now, actions: &actions)

        if settings.useAdvancedOk, let received = acknowledgement.lineNumber, let free = acknowledgement.bufferFree {
            confirmExecuted(lastReceived: received, bufferFree: free, now: now)
        }
        finishIfDrained(actions: &actions)
    }

    /// A line's `ok` arrived (or was taken as lost): what it completes.
    mutating func confirm(_ transmission: Transmission, now: ContinuousClock.Instant, actions: inout [Action]) {
        switch transmission.purpose {
        case .hello:
            if case .greeting = connection {
                connection = .identifying(since: now)
                outgoing.enqueue(PendingLine(command: Array("M115".utf8), purpose: .identify))
                outgoing.enqueue(PendingLine(command: Array("M211".utf8), purpose: .buildVolume))
            }
        case .buildVolume:
            if case .identifying = connection { finishHandshake(now: now, actions: &actions) }
        case .job(let ref):
            guard job != nil else { break }
            resends.jobProgressed()
            job?.confirm(ref)
        case .console(let id):
            actions.append(.report(.commandCompleted(id: id, replies: consoleReplies)))
            consoleReplies.removeAll(keepingCapacity: true)
        case .identify, .setup, .poll, .script, .emergency, .renumber:
            break
        }
    }

    /// ADVANCED_OK's `N` is the line the firmware received last: a line the host still counts in flight up to what
    /// has surely executed lost its `ok` on the way back.
    private mutating func confirmExecuted(lastReceived: Int, bufferFree: Int, now: ContinuousClock.Instant) {
        // A line never sent cannot have been received: that `N` was garbled.
        guard lastReceived <= outgoing.history.highest,
              let executed = window.bufferSize.executedThrough(lastReceived: lastReceived, bufferFree: bufferFree) else { return }
        while let front = window.first, let number = front.number, number <= executed {
            _ = window.popFirst()
            counters.assumedAcknowledgements += 1
            // Its `ok` was lost, or comes late if a garbled digit made `N` too high: then it is no other line's.
            assumedOutstanding += 1
            var ignored: [Action] = []
            confirm(front, now: now, actions: &ignored)
        }
    }

    private mutating func handleError(_ error: FirmwareError, now: ContinuousClock.Instant, actions: inout [Action]) {
        switch error {
        case .lineNumberMismatch(let last):
            resends.errorArrived(lastLine: last, damaged: false)
            noteReply(Self.describe(error), actions: &actions)
        case .checksumMismatch(let last), .missingChecksum(let last), .missingLineNumber(let last):
            // The kind of error tells a repetition (a line number) from a new failure (a damaged line).
            resends.errorArrived(lastLine: last, damaged: true)
            noteReply(Self.describe(error), actions: &actions)
        case .halted, .heaterFault:
            // The state change goes out before the error: whoever hears of the fault and asks for the state
            // then reads "halted", not the state before it.
            let reason = Self.describe(error)
            connection = .halted(reason)
            endJob(.failed("printer halted: \(reason)"), actions: &actions)
            failConsoleCommands(reason: "printer halted: \(reason)", actions: &actions)
            clearTransmissions()
            reportStateChange(&actions)
            actions.append(.report(.firmwareError(error)))
            actions.append(.report(.console(reason)))
        case .other, .receiveBufferOverflow:
            // A receive-buffer overflow damaged a line at most; that line's own `Resend:` recovers it.
            actions.append(.report(.firmwareError(error)))
            noteReply(Self.describe(error), actions: &actions)
        }
    }

    private mutating func handleAction(_ command: ActionCommand, now: ContinuousClock.Instant, actions: inout [Action]) {
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
    private mutating func handleControllerStart(now: ContinuousClock.Instant, actions: inout [Action]) {
        actions.append(.report(.console("start")))
        switch connection {
        case .greeting(let since, _):
            clearTransmissions()
            sendHello(now: now, since: since, actions: &actions)
        default:
            actions.append(.report(.controllerReset))
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
        if case .console? = window.first?.purpose { consoleReplies.append(text) }
        actions.append(.report(.console(text)))
    }
}
