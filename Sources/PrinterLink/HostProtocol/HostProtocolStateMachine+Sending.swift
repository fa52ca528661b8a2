import GCode

/// Connecting, writing what the window allows, and the link's bookkeeping.
extension HostProtocolStateMachine {
    // MARK: - Connecting

    mutating func beginGreeting(now: ContinuousClock.Instant, actions: inout [Action]) {
        clearTransmissions()
        identity = FirmwareIdentity()
        window.reset()
        sendHello(now: now, since: now, actions: &actions)
        reportStateChange(&actions)
    }

    mutating func sendHello(now: ContinuousClock.Instant, since: ContinuousClock.Instant, actions: inout [Action]) {
        connection = .greeting(since: since, lastHello: now)
        let hello = outgoing.restartNumbering()
        track(Transmission(number: 0, byteCount: hello.bytes.count, purpose: .hello, isLong: false, isBarrier: true,
                           sentAt: now))
        actions.append(.write(hello.bytes))
    }

    mutating func giveUpConnecting(actions: inout [Action]) {
        let reason = "no answer from the printer within \(Self.secondsText(settings.connectTimeout)) s: check the cable, the power and the baud rate"
        connection = .lost(reason)
        clearTransmissions()
        reportStateChange(&actions)
        actions.append(.closeLink)
    }

    mutating func finishHandshake(now: ContinuousClock.Instant, actions: inout [Action]) {
        var polling = TemperaturePolling(interval: settings.temperatureInterval, now: now)
        lastProgressAt = now
        if identity.has("AUTOREPORT_TEMP") {
            outgoing.enqueue(PendingLine(command: polling.startAutoreport(), purpose: .setup))
        }
        connection = .ready(polling)
        actions.append(.report(.connected(identity)))
        reportStateChange(&actions)
    }

    // MARK: - Sending

    /// Sends what the window allows: lines to send again first, then the held job line, then queued lines.
    mutating func fill(now: ContinuousClock.Instant, actions: inout [Action]) {
        // Out of step, every line would be rejected: nothing goes out until the renumbering.
        guard isStreaming, !resends.isOutOfStep else { return }
        var output: [UInt8] = []
        while let (next, length) = outgoing.peek(), window.allows(length) {
            outgoing.take(next)
            switch next {
            case .again(let number, let line):
                output.append(contentsOf: line.bytes)
                track(Transmission(number: number, byteCount: line.bytes.count, purpose: line.purpose,
                                   isLong: line.isLong, isBarrier: line.isBarrier, sentAt: now))
            case .jobLine(let command, let ref):
                sendNumbered(command, purpose: .job(ref), now: now, into: &output)
            case .queued(let line):
                if case .poll = line.purpose, case .ready(var polling) = connection {
                    polling.polled(now: now)
                    connection = .ready(polling)
                }
                sendNumbered(line.command, purpose: line.purpose, now: now, into: &output)
            }
        }
        if !output.isEmpty { actions.append(.write(output)) }
    }

    private mutating func sendNumbered(_ command: [UInt8], purpose: LinePurpose, now: ContinuousClock.Instant,
                                       into output: inout [UInt8]) {
        let (number, line) = outgoing.number(command, purpose: purpose)
        if case .job = purpose { counters.jobBytesSent += line.bytes.count }
        output.append(contentsOf: line.bytes)
        track(Transmission(number: number, byteCount: line.bytes.count, purpose: purpose, isLong: line.isLong,
                           isBarrier: line.isBarrier, sentAt: now))
    }

    /// An emergency command: unnumbered, ahead of the queue.
    mutating func sendOutOfBand(_ command: [UInt8], purpose: LinePurpose, now: ContinuousClock.Instant,
                                actions: inout [Action]) {
        var bytes = command
        bytes.append(UInt8(ascii: "\n"))
        track(Transmission(number: nil, byteCount: bytes.count, purpose: purpose, isLong: false, isBarrier: false,
                           sentAt: now))
        actions.append(.write(bytes))
    }

    private mutating func track(_ transmission: Transmission) {
        if window.isEmpty { lastProgressAt = transmission.sentAt }
        window.track(transmission)
        counters.linesSent += 1
        counters.bytesSent += transmission.byteCount
    }

    mutating func clearTransmissions() {
        window.removeAll()
        outgoing.removeAll()
        resends.reset()
        assumedOutstanding = 0
        unreadableReplyAt = nil
        consoleReplies.removeAll()
    }

    // MARK: - Timeouts and misbehaviour

    /// Silence with lines in flight: the oldest line's `ok` is taken as lost, and a numbered poll follows
    /// so that a line that never arrived shows up as a resend request.
    mutating func assumeLostAcknowledgements(count: Int, now: ContinuousClock.Instant, actions: inout [Action]) {
        for _ in 0..<count {
            // Lines the firmware rejected are never taken as acknowledged: the renumbering sends them again.
            guard !resends.inFlightAreRejected(count: window.count), let front = window.popFirst() else { break }
            counters.assumedAcknowledgements += 1
            assumedOutstanding += 1
            confirm(front, now: now, actions: &actions)
        }
        lastProgressAt = now
        if !outgoing.contains(.poll) { outgoing.enqueue(PendingLine(command: Array("M105".utf8), purpose: .poll)) }
        fill(now: now, actions: &actions)
        finishIfDrained(actions: &actions)
    }

    mutating func fallBackToOneLine(_ reason: String, actions: inout [Action]) {
        if window.fallBack() { actions.append(.report(.windowFallback(reason))) }
    }

    mutating func failConsoleCommands(reason: String, actions: inout [Action]) {
        var ids: [UInt64] = []
        for offset in 0..<window.count { if case .console(let id) = window[offset].purpose { ids.append(id) } }
        ids.append(contentsOf: outgoing.consoleIDs)
        for id in ids { actions.append(.report(.commandFailed(id: id, reason: reason))) }
    }

    mutating func reportStateChange(_ actions: inout [Action]) {
        let current = state
        if current != reportedState {
            reportedState = current
            actions.append(.report(.stateChanged(current)))
        }
    }
}
