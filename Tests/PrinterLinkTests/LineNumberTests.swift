import GCode
import Testing
@testable import PrinterLink

/// Marlin's line-number rules, scripted: the counter, M110 (which takes its number from the `N` after the
/// command and skips the sequence check), `Error` + `Resend` + `ok` for a line out of sequence, and the log of
/// what it executed. `jump` makes its counter leave the host's once, after it executes that command, as a
/// firmware that renumbered by itself would.
struct ScriptedMarlin {
    var expected = 1
    var executed: [String] = []
    var jump: (after: String, to: Int)?

    /// Answers everything the host writes until it writes nothing more, feeding the job as it asks.
    mutating func run(_ t: inout Transcript, job: [String], next: inout Int, limit: Int = 20_000) {
        var answered = 0
        while answered < limit, t.finishedOutcome == nil {
            var lines = t.takeWritten()
            if lines.isEmpty {
                t.advance(seconds: 0.05) // resend requests settle before the host sends again
                lines = t.takeWritten()
                if lines.isEmpty { break }
            }
            for line in lines {
                answered += 1
                answer(line, &t)
                t.feed(job, from: &next)
            }
        }
    }

    mutating func answer(_ line: String, _ t: inout Transcript) {
        let parsed = ReceivedHostLine.parse(Array(line.utf8))
        guard let number = parsed.number else { t.firmware("ok"); return }
        let command = parsed.commandText
        if command.hasPrefix("M110") {
            let own = command.split(separator: "N").last.flatMap { Int($0) } ?? number
            expected = own + 1
        } else if number == expected {
            expected += 1
        } else {
            t.firmware("Error:Line Number is not Last Line Number+1, Last Line: \(expected - 1)", "Resend: \(expected)", "ok")
            return
        }
        executed.append(command)
        if let jump, command == jump.after {
            expected = jump.to + 1
            self.jump = nil
        }
        t.firmware("ok")
    }

    /// What it executed of the job: the host's own polls and renumberings left out.
    var jobCommands: [String] {
        executed.filter { $0 != "M105" && !$0.hasPrefix("M110") && $0 != "M104 S0" && $0 != "M140 S0" }
    }
}

@Suite struct LineNumberOwnershipTests {
    @Test func aJobsM110GoesOutWithTheHostsOwnNumberAsABarrier() {
        let job = ["M104 S200", "M140 S60", "M110 N100", "G1 X10", "G1 X11"]
        var (t, _) = Transcript.printing(job)
        let written = t.takeWritten().map { ReceivedHostLine.parse(Array($0.utf8)) }
        // Nothing follows an M110 before its ok: Marlin sets the number again when it executes it.
        #expect(written.map(\.commandText) == ["M104 S200", "M140 S60", "M110 N5"])
        #expect(written.last?.number == 5)
    }

    @Test func theIssuesFileCompletesWithEveryLineExecutedOnce() {
        let job = ["M104 S200", "M140 S60", "M110 N100", "G1 X10", "G1 X11"]
        var (t, next) = Transcript.printing(job)
        var marlin = ScriptedMarlin(expected: 3)
        marlin.run(&t, job: job, next: &next)
        #expect(t.finishedOutcome == .completed)
        #expect(marlin.jobCommands == ["M104 S200", "M140 S60", "G1 X10", "G1 X11"])
        #expect(t.machine.jobProgress == nil)
        #expect(Array(marlin.executed.suffix(2)) == ["M104 S0", "M140 S0"])
    }

    @Test func aConsoleM110IsSentWithTheHostsNumber() {
        var t = Transcript()
        t.connect()
        t.apply(t.machine.sendCommand("M110 N500", id: 7, now: t.now))
        let line = ReceivedHostLine.parse(Array(t.takeWritten()[0].utf8))
        #expect(line.commandText == "M110 N\(line.number ?? -1)")
        t.firmware("ok")
        #expect(t.events.contains(.commandCompleted(id: 7, replies: [])))
    }

    @Test(arguments: [
        ("G1 X10 (move to the edge) Y5", "G1 X10  Y5"),
        ("G1 X1 (X5)", "G1 X1"),
        ("M117 Printing (50%)", "M117 Printing (50%)"),
        ("(only a comment)", ""),
        ("G1 X2 (unclosed", "G1 X2"),
    ])
    func consoleCommandsLoseParenthesisedComments(text: String, sent: String) {
        #expect(String(decoding: HostProtocolStateMachine.cleanCommand(text), as: UTF8.self) == sent)
    }

    @Test func aConsoleCommandWithANulByteIsRefused() {
        var t = Transcript()
        t.connect()
        t.apply(t.machine.sendCommand("G1 X1\0Y2", id: 3, now: t.now))
        #expect(t.takeWritten().isEmpty)
        guard case .commandFailed(3, let reason)? = t.events.last else {
            Issue.record("expected a refusal, got \(t.events)")
            return
        }
        #expect(reason.contains("NUL"))
    }
}

@Suite struct LineNumberDesyncTests {
    static let job = (1...60).map { "G1 X\($0) Y\($0 % 9)" }

    @Test func aFirmwareWhoseNumbersJumpedIsRenumberedAndGetsTheRejectedLinesAgain() {
        var (t, next) = Transcript.printing(Self.job)
        var marlin = ScriptedMarlin(expected: 3, jump: (after: Self.job[10], to: 100))
        marlin.run(&t, job: Self.job, next: &next)
        #expect(t.finishedOutcome == .completed)
        #expect(marlin.jobCommands == Self.job) // each once, in order: nothing skipped, nothing twice
        #expect(t.events.contains { if case .console(let text) = $0 { text.contains("renumbering") } else { false } })
    }

    @Test func linesRejectedWhileQueuedLinesStillExecuteAreNeverTakenAsConfirmed() {
        var (t, next) = ResendTests.printing() // lines 3–7 sent, 3 acknowledged; 4–7 (commands 1–4) in flight
        // 4 and 5 sit in the firmware's queue; 5 moved its counter to 100, so 6 and 7 are rejected.
        for _ in 0..<2 {
            t.firmware("Error:Line Number is not Last Line Number+1, Last Line: 100", "Resend: 101", "ok")
        }
        t.advance(seconds: 0.05)
        #expect(t.takeWritten().isEmpty) // 4 and 5 have not answered: their oks are still to come
        t.firmware("ok", "ok")
        #expect(t.machine.jobProgress?.confirmedCommands == 3)
        let renumbering = t.takeWritten().map { ReceivedHostLine.parse(Array($0.utf8)) }
        #expect(renumbering.map(\.commandText) == ["M110 N8"])
        t.firmware("ok")
        t.feed(Self.job, from: &next)
        // The rejected commands 3 and 4 go out again, in order, under new numbers, before anything new.
        let again = t.takeWritten().map { ReceivedHostLine.parse(Array($0.utf8)) }
        #expect(again.map(\.number) == [9, 10, 11, 12])
        #expect(Array(again.map(\.commandText).prefix(2)) == [StreamingTests.job[3], StreamingTests.job[4]])
    }

    @Test func anOldLineRequestedAgainAndAgainIsADesyncNotALineToSkipTo() {
        var settings = LinkSettings()
        settings.resendHistory = 8
        var t = Transcript(settings: settings)
        t.connect()
        var next = 0
        t.startJob(total: StreamingTests.job.count)
        for _ in 0..<6 { t.feed(StreamingTests.job, from: &next); t.firmware("ok", "ok", "ok", "ok") }
        t.feed(StreamingTests.job, from: &next)
        _ = t.takeWritten()
        let confirmed = t.machine.jobProgress?.confirmedCommands
        t.firmware("Resend: 1", "ok", "Resend: 1", "ok", "Resend: 1", "ok", "Resend: 1", "ok")
        t.advance(seconds: 0.05)
        let renumbered = t.takeWritten().map { ReceivedHostLine.parse(Array($0.utf8)) }
        #expect(renumbered.first?.commandText.hasPrefix("M110 N") == true)
        #expect(t.machine.jobProgress?.confirmedCommands == confirmed)
        #expect(t.finishedOutcome == nil)
    }

    @Test func aSingleOddRequestIsTakenForAGarbledReply() {
        var (t, next) = ResendTests.printing()
        t.firmware("Resend: 9999", "ok")
        t.firmware("ok")
        t.feed(StreamingTests.job, from: &next)
        #expect(t.takeCommands() == [StreamingTests.job[5]])
        #expect(t.machine.jobProgress?.confirmedCommands == 2)
    }

    @Test func aFirmwareThatKeepsJumpingFailsTheJobAndStillSwitchesTheHeatersOff() {
        var (t, next) = Transcript.printing(Self.job)
        var answered = 0
        var sawCancelScript = false
        // Accepts renumberings and the host's heaters-off, rejects every job line as if its counter were 100.
        while answered < 2_000, t.finishedOutcome == nil {
            var lines = t.takeWritten()
            if lines.isEmpty { t.advance(seconds: 0.05); lines = t.takeWritten(); if lines.isEmpty { break } }
            for line in lines {
                answered += 1
                let parsed = ReceivedHostLine.parse(Array(line.utf8))
                if parsed.commandText.hasPrefix("M110") || !parsed.commandText.hasPrefix("G1") {
                    if parsed.commandText == "M104 S0" { sawCancelScript = true }
                    t.firmware("ok")
                } else {
                    t.firmware("Error:Line Number is not Last Line Number+1, Last Line: 100", "Resend: 101", "ok")
                }
                t.feed(Self.job, from: &next)
            }
        }
        guard case .failed(let reason)? = t.finishedOutcome else {
            Issue.record("expected a failed job, got \(String(describing: t.finishedOutcome))")
            return
        }
        #expect(reason.contains("line numbers"))
        #expect(sawCancelScript)
        #expect(t.machine.jobProgress == nil)
        #expect(t.machine.state == .ready)
    }
}

@Suite struct CancelEscalationTests {
    static func escalations(_ t: Transcript) -> [CancelEscalation.Step] {
        t.events.compactMap { if case .cancelEscalated(let step, _) = $0 { step } else { nil } }
    }

    @Test func aCancelThatGetsNoAnswerStepsUpToM108ThenM112() {
        var (t, _) = ResendTests.printing()
        _ = t.takeWritten()
        t.apply(t.machine.cancel(now: t.now))
        _ = t.takeWritten()
        t.advance(seconds: 4.9)
        #expect(Self.escalations(t).isEmpty)
        _ = t.takeWritten() // the ack timeout took the oldest line as lost and probed meanwhile
        t.advance(seconds: 0.2)
        #expect(Self.escalations(t) == [.resynchronised])
        let resync = t.takeCommands()
        #expect(resync.first?.hasPrefix("M110 N") == true)
        #expect(resync.count == 1) // the heaters-off lines wait for the renumbering's ok
        t.advance(seconds: 5.1)
        #expect(Self.escalations(t) == [.resynchronised, .waitBroken])
        #expect(t.takeWritten().last == "M108")
        t.advance(seconds: 5.1)
        #expect(Self.escalations(t) == [.resynchronised, .waitBroken, .emergencyStop])
        #expect(t.takeWritten().last == "M112")
        #expect(t.finishedOutcome == .cancelled)
        guard case .halted = t.machine.state else {
            Issue.record("expected halted, got \(t.machine.state)")
            return
        }
    }

    @Test func withoutTheEmergencyParserTheSecondStepIsM112() {
        var (t, _) = Transcript.printing(StreamingTests.job, capabilities: ["AUTOREPORT_TEMP": false, "EMERGENCY_PARSER": false])
        _ = t.takeWritten()
        t.apply(t.machine.cancel(now: t.now))
        t.advance(seconds: 5.1)
        t.advance(seconds: 5.1)
        #expect(Self.escalations(t) == [.resynchronised, .emergencyStop])
        #expect(t.takeWritten().last == "M112")
    }

    @Test func aCancelDuringAHeatingWaitBreaksItAndSwitchesTheHeatersOff() {
        let job = ["M109 S210", "G1 X1", "G1 X2"]
        var (t, next) = Transcript.printing(job)
        _ = t.takeWritten()
        t.apply(t.machine.cancel(now: t.now))
        // Heating reports keep the link alive, but they are no progress for a cancel.
        for _ in 0..<11 {
            t.firmware("T:150.0 /210.0 B:60.0 /60.0 W:?")
            t.advance(seconds: 1)
        }
        #expect(Self.escalations(t) == [.resynchronised, .waitBroken])
        #expect(t.takeWritten().contains("M108"))
        // M108 ends the wait: everything the firmware had queued answers, then the renumbering and heaters-off.
        var answers = 0
        while t.finishedOutcome == nil, answers < 20 {
            t.firmware("ok")
            t.feed(job, from: &next)
            answers += 1
        }
        #expect(t.finishedOutcome == .cancelled)
        #expect(Self.escalations(t) == [.resynchronised, .waitBroken])
        #expect(t.machine.state == .ready)
    }

    @Test func aCancelBehindABusyHomingMoveWaitsForIt() {
        let job = ["G28", "G1 X1", "G1 X2", "G1 X3"]
        var (t, next) = Transcript.printing(job)
        _ = t.takeWritten()
        t.apply(t.machine.cancel(now: t.now))
        for _ in 0..<30 {
            t.firmware("echo:busy: processing")
            t.advance(seconds: 2)
        }
        #expect(Self.escalations(t).isEmpty)
        for _ in 0..<12 where t.finishedOutcome == nil { t.firmware("ok"); t.feed(job, from: &next) }
        #expect(t.finishedOutcome == .cancelled)
        let commands = t.takeCommands()
        #expect(commands.contains("M104 S0"))
        #expect(commands.contains("M140 S0"))
    }

    @Test func aCancelThatMovesOnNeverEscalates() {
        var settings = LinkSettings()
        settings.cancelScript = (0..<10).map { "G1 Z\($0 + 1)" } + ["M104 S0", "M140 S0"]
        var (t, _) = Transcript.printing(StreamingTests.job, settings: settings)
        t.apply(t.machine.cancel(now: t.now))
        // Each line takes 4 s to confirm: slower than the bound, but the cancel keeps moving.
        while t.finishedOutcome == nil {
            t.advance(seconds: 4)
            t.firmware("ok")
        }
        #expect(Self.escalations(t).isEmpty)
        #expect(t.finishedOutcome == .cancelled)
    }
}

@Suite struct DamagedAcknowledgementTests {
    @Test(arguments: ["o", "k", "oc", "oj", "Ok", "oK", "nk", "/k", "o+", "o\u{FFFD}", "\u{FFFD}k"])
    func oneFlippedBitOrOneLostByteFromOkIsAnOk(_ line: String) {
        #expect(DamagedAcknowledgement.isLikely(line))
    }

    @Test(arguments: ["", "ok", "no", "OK!", "x", "ko", "start", "wait", "echo:ok", "echo: N12 P15 B3 are fine",
                      "ok N12 P15", "Resend: 12 P15 B3"])
    func anythingElseIsNot(_ line: String) {
        #expect(!DamagedAcknowledgement.isLikely(line))
    }

    /// ADVANCED_OK's longer `ok`: noise hits its fields more often than the `ok` itself (as the virtual printer
    /// injects it: one flipped bit or one lost byte per damaged line).
    @Test(arguments: ["oj N120 P15 B3", "k N120 P15 B3", "okN120 P15 B3", "ok N120P15 B3", "ok N12x P15 B3",
                      "ok N120 P15 b3", "ok N120 P15 B\u{FFFD}", "ok\u{FFFD}N120 P15 B3", "ok 120 P15 B3"])
    func aDamagedAdvancedOkIsAnOk(_ line: String) {
        #expect(DamagedAcknowledgement.isLikely(line))
        #expect(DamagedAcknowledgement.gluedRemainder(line) == nil)
    }

    @Test func aDamagedOkMovesTheWindowWithoutATimeout() {
        var (t, next) = Transcript.printing(StreamingTests.job)
        _ = t.takeWritten()
        t.firmware("oc", "k")
        t.feed(StreamingTests.job, from: &next)
        #expect(t.takeCommands() == [StreamingTests.job[4], StreamingTests.job[5]])
        #expect(t.machine.jobProgress?.confirmedCommands == 2)
        #expect(t.machine.counters.repairedAcknowledgements == 2)
    }

    @Test func anOkThatLostItsLineEndingStillCountsAndSoDoesTheLineGluedToIt() {
        var (t, _) = ResendTests.printing() // 4–7 in flight
        t.firmware("okok")
        #expect(t.machine.jobProgress?.confirmedCommands == 3)
        #expect(t.machine.counters.repairedAcknowledgements == 1)
    }

    @Test func aResendRequestGluedToAnOkIsStillHandled() {
        var (t, _) = ResendTests.printing() // 4–7 in flight
        t.firmware("ok") // 4
        t.firmware("okResend: 6", "ok") // 5 executed; 6 was garbled, and 7 behind it
        #expect(t.machine.jobProgress?.confirmedCommands == 3)
        #expect(t.takeNumbers() == [6, 7])
        #expect(t.machine.counters.repairedAcknowledgements == 1)
    }

    @Test(arguments: [("okok", "ok"), ("okResend: 12", "Resend: 12"), ("okT:210.0 /210.0", "T:210.0 /210.0"),
                      ("ok*ok", "ok"), ("ok\u{0B}Resend: 5", "Resend: 5"), ("okJok", "ok"),
                      ("ok\u{FFFD}ok", "ok"), ("ok\u{FFFD} T:21.0 /0.0", " T:21.0 /0.0")])
    func theLineGluedToAnOkIsFoundAgain(line: String, glued: String) {
        #expect(DamagedAcknowledgement.gluedRemainder(line) == glued)
    }

    @Test(arguments: ["ok", "ok N12 P15 B3", "o", "echo:ok"])
    func aWholeLineIsNotGlued(_ line: String) {
        #expect(DamagedAcknowledgement.gluedRemainder(line) == nil)
    }

    @Test func silenceAfterAnUnreadableReplyIsShortBeforeTheOkIsTakenAsLost() {
        var (t, _) = ResendTests.printing() // 4–7 in flight
        t.firmware("ok")
        _ = t.takeWritten()
        t.firmware("\u{7F}$#")
        t.advance(seconds: 0.09)
        #expect(t.machine.counters.assumedAcknowledgements == 0)
        t.advance(seconds: 0.02)
        #expect(t.machine.counters.assumedAcknowledgements == 1)
        #expect(t.takeCommands().contains("M105")) // the probe that reveals a line that never arrived
    }

    @Test func withoutAnUnreadableReplyTheFullAckTimeoutHolds() {
        var (t, _) = ResendTests.printing()
        t.firmware("ok")
        t.advance(seconds: 2.9)
        #expect(t.machine.counters.assumedAcknowledgements == 0)
        t.advance(seconds: 0.2)
        #expect(t.machine.counters.assumedAcknowledgements == 1)
    }

    @Test func aDamagedOkRightAfterAResendRequestIsStillNotAnAcknowledgement() {
        var (t, _) = ResendTests.printing()
        t.firmware("Error:checksum mismatch, Last Line: 5", "Resend: 6", "Ok")
        t.firmware("ok")
        #expect(t.machine.jobProgress?.confirmedCommands == 2)
    }
}

@Suite struct ResendRepetitionTests {
    @Test func aLineSentAgainThatArrivesDamagedIsANewFailureNotARepetition() {
        var (t, _) = ResendTests.printing() // 4–7 in flight
        t.firmware("Error:checksum mismatch, Last Line: 3", "Resend: 4", "ok")
        #expect(t.takeNumbers() == [4, 5, 6, 7]) // at once; 5–7 were drained or will be rejected for their numbers
        // The 4 sent again was damaged too: a checksum error, so it is sent again although repetitions were due.
        t.firmware("Error:checksum mismatch, Last Line: 3", "Resend: 4", "ok")
        #expect(t.takeNumbers() == [4, 5, 6, 7])
        #expect(t.machine.counters.ignoredDuplicateResends == 0)
        // Rejections of the copies still on the wire say "Line Number": repetitions.
        t.firmware("Error:Line Number is not Last Line Number+1, Last Line: 3", "Resend: 4", "ok")
        #expect(t.takeNumbers().isEmpty)
        #expect(t.machine.counters.ignoredDuplicateResends == 1)
    }
}
