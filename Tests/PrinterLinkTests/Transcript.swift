import GCode
@testable import PrinterLink

/// Drives a `HostProtocolStateMachine` like a scripted printer: feed firmware lines and time, read back
/// what the host wrote and reported. No I/O: the machine's whole behaviour shows in its actions.
struct Transcript {
    var machine: HostProtocolStateMachine
    var now = ContinuousClock.now
    /// Lines the host wrote, newline removed, in order.
    var written: [String] = []
    var events: [LinkEvent] = []
    /// The job file and link closes the machine asked for, in order.
    var closes: [HostProtocolStateMachine.Action] = []

    init(settings: LinkSettings = LinkSettings()) {
        machine = HostProtocolStateMachine(settings: settings)
    }

    mutating func apply(_ actions: [HostProtocolStateMachine.Action]) {
        for action in actions {
            switch action {
            case .write(let bytes):
                let text = String(decoding: bytes, as: UTF8.self)
                var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if parts.last == "" { parts.removeLast() }
                written.append(contentsOf: parts)
            case .report(let event):
                events.append(event)
            case .closeJobSource, .closeLink:
                closes.append(action)
            }
        }
    }

    mutating func open() { apply(machine.portOpened(now: now)) }

    mutating func firmware(_ lines: String...) {
        for line in lines { apply(machine.received(FirmwareReply.parse(Array(line.utf8)), now: now)) }
    }

    mutating func advance(seconds: Double) {
        now += .seconds(seconds)
        apply(machine.tick(now: now))
    }

    /// Takes what was written since the last call.
    mutating func takeWritten() -> [String] {
        defer { written.removeAll() }
        return written
    }

    mutating func takeEvents() -> [LinkEvent] {
        defer { events.removeAll() }
        return events
    }

    /// The commands (without N and checksum) of the lines written since the last call; checks every checksum.
    mutating func takeCommands() -> [String] {
        takeWritten().map { line in
            let parsed = ReceivedHostLine.parse(Array(line.utf8))
            precondition(parsed.problem == nil || parsed.number == nil, "bad line written: \(line)")
            return parsed.commandText
        }
    }

    mutating func takeNumbers() -> [Int?] {
        takeWritten().map { ReceivedHostLine.parse(Array($0.utf8)).number }
    }

    /// Opens the port and answers the handshake like a Marlin with the given capabilities.
    mutating func connect(capabilities: [String: Bool] = ["AUTOREPORT_TEMP": false, "EMERGENCY_PARSER": true]) {
        open()
        firmware("ok")
        firmware("FIRMWARE_NAME:Marlin 2.1.2.4 (test) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:Test EXTRUDER_COUNT:1 UUID:0000")
        for (name, enabled) in capabilities.sorted(by: { $0.key < $1.key }) { firmware("Cap:\(name):\(enabled ? 1 : 0)") }
        firmware("ok")
        firmware("echo:Soft endstops: On   Min:  X0.00 Y0.00 Z0.00   Max:  X220.00 Y220.00 Z250.00", "ok")
        _ = takeWritten()
        _ = takeEvents()
    }

    /// Starts a job and submits lines while the machine wants them, from `commands` starting at `next`.
    mutating func startJob(total: Int) {
        apply(machine.startJob(totalCommands: total, fileSize: Int64(total * 10), now: now))
    }

    mutating func feed(_ commands: [String], from next: inout Int) {
        while machine.wantsJobLine {
            if next < commands.count {
                apply(machine.submitJobLine(command: Array(commands[next].utf8), fileLine: next + 1,
                                            endOffset: Int64((next + 1) * 10), now: now))
                next += 1
            } else {
                apply(machine.jobSourceExhausted(now: now))
                break
            }
        }
    }

    /// Connected, with `job` started and the window filled; returns the index of the next command to feed.
    static func printing(_ job: [String], settings: LinkSettings = LinkSettings(),
                         capabilities: [String: Bool] = ["AUTOREPORT_TEMP": false, "EMERGENCY_PARSER": true]) -> (Transcript, Int) {
        var transcript = Transcript(settings: settings)
        transcript.connect(capabilities: capabilities)
        var next = 0
        transcript.startJob(total: job.count)
        transcript.feed(job, from: &next)
        return (transcript, next)
    }

    var finishedOutcome: JobOutcome? {
        for event in events { if case .jobFinished(let outcome, _) = event { return outcome } }
        return nil
    }
}

extension Transcript {
    /// Answers every numbered line written so far like Marlin does, until the host writes nothing more:
    /// `ok` for the expected line, `Error` + `Resend: <expected>` + `ok` otherwise. `rejectOnce` lines are
    /// refused the first time they arrive (as if garbled); `neverAccept` is refused every time.
    mutating func answerLikeMarlin(expected: inout Int, rejectOnce: inout Set<Int>, neverAccept: Int? = nil,
                                   job: [String], next: inout Int, limit: Int = 10_000) {
        var answered = 0
        while answered < limit, finishedOutcome == nil {
            var lines = takeWritten()
            if lines.isEmpty {
                // The host waits for resend requests to settle before it sends a line again.
                advance(seconds: 0.05)
                lines = takeWritten()
                if lines.isEmpty { break }
            }
            for line in lines where finishedOutcome == nil {
                answered += 1
                let parsed = ReceivedHostLine.parse(Array(line.utf8))
                guard let number = parsed.number else { firmware("ok"); continue }
                if parsed.commandText.hasPrefix("M110") { expected = number + 1; firmware("ok"); continue }
                if number == expected, number != neverAccept, !rejectOnce.contains(number) {
                    expected += 1
                    firmware("ok")
                } else {
                    if number == expected { rejectOnce.remove(number) }
                    firmware("Error:Line Number is not Last Line Number+1, Last Line: \(expected - 1)", "Resend: \(expected)", "ok")
                }
                feed(job, from: &next)
            }
        }
    }
}
