/// Resend requests and a firmware whose line numbers left the host's: `ResendRecovery` decides, this performs.
extension HostProtocolStateMachine {
    mutating func handleResend(_ line: Int, now: ContinuousClock.Instant, actions: inout [Action]) {
        counters.resendRequests += 1
        guard isStreaming else {
            // During the handshake a resend means the hello was garbled: say it again.
            if case .greeting(let since, _) = connection {
                clearTransmissions()
                sendHello(now: now, since: since, actions: &actions)
            }
            return
        }
        let line = likelyRequestedLine(line)
        let decision = resends.request(line, now: now, highest: outgoing.history.highest,
                                       canResend: outgoing.canResend(line), behind: window.count(after: line),
                                       linesSent: counters.linesSent, settleTime: settleTime)
        switch decision {
        case .repetition:
            counters.ignoredDuplicateResends += 1
        case .outOfStep(let announce):
            // Until the firmware is believed out of step, a garbled number is likelier: the request still emptied
            // its buffer, so what was in flight is treated as a repetition's flush would be.
            if let front = window.first?.number { resends.bufferFlushed(from: front, at: now) }
            if announce {
                actions.append(.report(.console(
                    "the printer wants line \(line), which the host cannot send (it is at \(outgoing.nextNumber)): its line numbers left the host's; renumbering with M110")))
            }
        case .nextLine(let line):
            window.drop(from: line)
            // Every line was taken, says the firmware: their oks come within a round trip, or the number lied.
            if let front = window.first?.number { resends.bufferFlushed(from: front, at: now) }
        case .storm(let line, let count):
            window.drop(from: line)
            stopJob(outcome: .failed("resend storm: the printer asked for line \(line) \(count) times in a row; check the cable and the baud rate"),
                    now: now, actions: &actions)
        case .resend(let line, let fallBack):
            window.drop(from: line)
            if fallBack {
                fallBackToOneLine("\(settings.misbehaviourResends) resend requests within \(settings.misbehaviourWindowLines) lines", actions: &actions)
            }
            counters.linesResent += outgoing.history.highest - line + 1
            outgoing.rewind(to: line)
        }
    }

    /// Noise that hits the number of a `Resend:` makes it ask for a line never sent (a digit lost: 32902 becomes
    /// 3292), for one long confirmed (a bit flipped: 27136 becomes 27126), or for the next line while the one it
    /// wants is in flight (16548 becomes 16549). Marlin writes both numbers from one counter (`Last Line: n`,
    /// `Resend: n+1`), so when they disagree one was hit: the one that names a line in flight is believed.
    private mutating func likelyRequestedLine(_ line: Int) -> Int {
        guard let last = resends.precedingLastLine, last + 1 != line, outgoing.canResend(last + 1) else { return line }
        let oldestUnconfirmed = window.first?.number ?? outgoing.nextNumber
        let inFlight = oldestUnconfirmed...max(oldestUnconfirmed, outgoing.history.highest)
        guard !inFlight.contains(line), inFlight.contains(last + 1) || !outgoing.canResend(line) else { return line }
        counters.repairedResendRequests += 1
        return last + 1
    }

    /// Lines sent before a repetition's flush got no `ok` for a round trip: they were in the buffer it emptied.
    /// The firmware still wants the first of them, so they go out again from there. Were one of them only slow, the
    /// firmware rejects its second copy by number and says which line it wants: never a line twice.
    mutating func resendFlushedLines(actions: inout [Action]) {
        guard let number = resends.flush?.line else { return }
        resends.flushedLinesResent()
        if job?.isCancelling == true {
            // A cancel sends no job line again: the lines go, the cancel's M110 and script follow. Should one of them
            // only have been slow, its late `ok` is nobody else's.
            let before = window.count
            window.drop(from: number)
            assumedOutstanding += before - window.count
            return
        }
        counters.flushedLinesResent += 1
        window.drop(from: number)
        counters.linesResent += max(0, outgoing.history.highest - number + 1)
        outgoing.rewind(to: number)
    }

    /// Once the rejections have settled and the accepted lines are confirmed: the firmware's number is set to the
    /// host's with M110, and the rejected lines go out again, in order, under new numbers.
    mutating func renumberIfOutOfStep(now: ContinuousClock.Instant, actions: inout [Action]) {
        guard resends.renumberingIsDue(now: now, inFlight: window.count) else { return }
        outgoing.stopRewinding()
        let cancelling = job?.isCancelling ?? false
        var again: [PendingLine] = []
        while let rejected = window.popFirst() {
            guard let number = rejected.number, let sent = outgoing.history[number] else { continue }
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
        if let held = outgoing.takeHeldJobLine() { again.append(held) }
        for line in again.reversed() { outgoing.enqueueFirst(line) }
        outgoing.enqueueFirst(PendingLine(command: [], purpose: .renumber))
        if resends.desyncRecoveries > settings.desyncRecoveryLimit, job != nil, !cancelling {
            stopJob(outcome: .failed("the printer's line numbers left the host's \(resends.desyncRecoveries) times without the job moving on; check the firmware and the G-code"),
                    now: now, actions: &actions)
        }
    }

    /// Time for the rejections of lines still on the wire to come back: how long repetitions of a resend request
    /// are expected, and how long a firmware out of step is given before it is renumbered. Twice the wire time of
    /// a full receive buffer, plus scheduling slack.
    var settleTime: Duration {
        .seconds(0.005 + 2 * Double(settings.receiveBufferBytes) / max(settings.lineBytesPerSecond, 1))
    }
}
