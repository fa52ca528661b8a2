import GCode
import Testing
@testable import PrinterLink

/// Resend requests under line noise: a `Resend:` whose number was hit, and lines a repetition's flush emptied out
/// of the firmware's buffer. Each must cost about a round trip, never an acknowledgement timeout.
@Suite struct NoisyResendTests {
    @Test(arguments: [
        "Resend: 44", // a digit too many (or one lost from a longer number): a line never sent
        "Resend: 1",  // a bit flipped: a line confirmed long ago
        "Resend: 8",  // a bit flipped: the next line, while the one it wants is in flight
    ])
    func aResendWhoseNumberWasHitIsReadFromTheErrorBeforeIt(_ request: String) {
        var (t, _) = ResendTests.printing() // 4–7 in flight, 3 confirmed
        t.firmware("Error:checksum mismatch, Last Line: 3", request, "ok")
        #expect(t.takeNumbers() == [4, 5, 6, 7])
        #expect(t.machine.counters.repairedResendRequests == 1)
    }

    @Test func aPlausibleNumberIsTakenAsItIs() {
        var (t, _) = ResendTests.printing()
        // Line 5 was damaged after 4 was taken, and the error's Last Line is what noise hit: the request is sound.
        t.firmware("Error:checksum mismatch, Last Line: 9", "Resend: 5", "ok")
        #expect(t.takeNumbers() == [5, 6, 7])
        #expect(t.machine.counters.repairedResendRequests == 0)
    }

    @Test func linesARepetitionFlushedGoOutAgainAfterARoundTrip() {
        var (t, next) = ResendTests.printing()
        t.firmware("Error:checksum mismatch, Last Line: 3", "Resend: 4", "ok")
        #expect(t.takeNumbers() == [4, 5, 6, 7])
        // Old line 5 was still on the wire: rejected, it emptied the buffer, and the lines just sent with it.
        t.firmware("Error:Line Number is not Last Line Number+1, Last Line: 3", "Resend: 4", "ok")
        #expect(t.takeWritten().isEmpty)
        t.advance(seconds: 0.05)
        #expect(t.takeNumbers() == [4, 5, 6, 7])
        #expect(t.machine.counters.flushedLinesResent == 1)
        #expect(t.machine.counters.assumedAcknowledgements == 0)
        for _ in 0..<4 { t.firmware("ok"); t.feed(StreamingTests.job, from: &next) }
        #expect(t.machine.jobProgress?.confirmedCommands == 5)
        #expect(t.takeNumbers() == [8, 9, 10, 11])
    }

    @Test func anOkAfterTheFlushShowsTheLinesArrivedWhole() {
        var (t, next) = ResendTests.printing()
        t.firmware("Error:checksum mismatch, Last Line: 3", "Resend: 4", "ok")
        _ = t.takeWritten()
        t.firmware("Error:Line Number is not Last Line Number+1, Last Line: 3", "Resend: 4", "ok")
        // Line 4 was behind the rejected one on the wire, so after the flush: so were 5–7.
        t.firmware("ok")
        t.feed(StreamingTests.job, from: &next)
        #expect(t.takeNumbers() == [8])
        t.advance(seconds: 0.05)
        #expect(t.takeWritten().isEmpty)
        #expect(t.machine.counters.flushedLinesResent == 0)
    }

    /// The guess was wrong: the first copies were only slow. The firmware runs them, refuses the second copies by
    /// their number and says which line it wants: nothing runs twice and nothing waits for a timeout.
    @Test func aSecondCopyOfALineThatArrivedIsRefusedByItsNumber() {
        var (t, next) = ResendTests.printing()
        t.firmware("Error:checksum mismatch, Last Line: 3", "Resend: 4", "ok")
        _ = t.takeWritten()
        t.firmware("Error:Line Number is not Last Line Number+1, Last Line: 3", "Resend: 4", "ok")
        t.advance(seconds: 0.05)
        #expect(t.takeNumbers() == [4, 5, 6, 7])
        for _ in 0..<4 { t.firmware("ok"); t.feed(StreamingTests.job, from: &next) } // the first copies
        #expect(t.machine.jobProgress?.confirmedCommands == 5)
        #expect(t.takeNumbers() == [8, 9, 10, 11])
        t.firmware("Error:Line Number is not Last Line Number+1, Last Line: 7", "Resend: 8", "ok") // second 4
        #expect(t.takeNumbers() == [8, 9, 10, 11])
        for _ in 0..<4 { t.firmware("ok"); t.feed(StreamingTests.job, from: &next) }
        #expect(t.machine.jobProgress?.confirmedCommands == 9)
        #expect(t.machine.counters.assumedAcknowledgements == 0)
    }

    /// A printer whose planner is full answers each line late: silence after a flush is then no sign of loss, and
    /// the host waits in proportion before it sends anything again.
    @Test func aPrinterWhoseOksComeLateIsGivenLonger() {
        var (t, next) = ResendTests.printing()
        for _ in 0..<12 {
            t.advance(seconds: 0.3)
            t.firmware("ok")
            t.feed(StreamingTests.job, from: &next)
        }
        _ = t.takeWritten()
        guard let front = t.machine.window.first?.number else {
            Issue.record("nothing in flight")
            return
        }
        t.firmware("Error:checksum mismatch, Last Line: \(front - 1)", "Resend: \(front)", "ok")
        let resent = t.takeNumbers()
        #expect(resent.first == front)
        t.firmware("Error:Line Number is not Last Line Number+1, Last Line: \(front - 1)", "Resend: \(front)", "ok")
        t.advance(seconds: 0.1)
        #expect(t.takeWritten().isEmpty)
        #expect(t.machine.counters.flushedLinesResent == 0)
        // Four times the recent latency (about a second here), at most the acknowledgement timeout.
        t.advance(seconds: 3)
        #expect(t.takeNumbers().first == front) // a late ok is one thing, none at all another
        #expect(t.machine.counters.flushedLinesResent == 1)
    }

    /// A digit of ADVANCED_OK's `N` flipped upwards makes lines look executed before their `ok`s came; those `ok`s
    /// then arrive late, below the window, and are nobody else's: no line is confirmed early, and the window does
    /// not fall back to one line for `ok`s "for lines never sent".
    @Test func lateOksAfterAGarbledAdvancedOkAreNoOtherLinesOks() {
        let short = (1...100).map { "G1 X\($0 % 10)" }
        var (t, next) = Transcript.printing(short)
        for line in 3..<23 {
            t.firmware("ok N\(line) P15 B3")
            t.feed(short, from: &next)
        }
        #expect(t.takeNumbers() == Array(3...26)) // 23–26 in flight
        t.firmware("ok N26 P15 B3") // for 23, but noise turned its `N23` into `N26`: 24–26 look executed
        t.feed(short, from: &next)
        #expect(t.takeNumbers() == [27, 28, 29, 30])
        for line in 24...26 { t.firmware("ok N\(line) P15 B3") } // the late ones: 24 and 25 are below the window
        #expect(t.machine.linesInFlight == 4) // 27–30 wait for their own oks
        #expect(t.machine.jobProgress?.confirmedCommands == 24)
        #expect(t.machine.counters.unexpectedOks == 0)
        #expect(t.machine.currentWindow == 4)
    }

    /// A first odd request may be noise and arms the flush guess; once the firmware is believed out of step, the
    /// guess is off: the renumbering, not the guess, sends the rejected lines again, and none is lost between them.
    @Test func aFirmwareBelievedOutOfStepIsNotGuessedAt() {
        var (t, next) = ResendTests.printing() // 4–7 in flight, 3 confirmed
        t.firmware("Resend: 500", "ok") // no Last Line: could be a garbled number
        t.firmware("Resend: 500", "ok") // again: its counter left the host's (4 and 5 were taken before)
        t.advance(seconds: 0.05)
        #expect(t.takeWritten().isEmpty)
        #expect(t.machine.counters.flushedLinesResent == 0)
        t.firmware("ok", "ok") // 4 and 5 executed; 6 and 7 were the rejected ones
        t.advance(seconds: 0.05)
        t.firmware("ok") // the renumbering's M110
        t.feed(StreamingTests.job, from: &next)
        let commands = t.takeCommands()
        #expect(commands.first?.hasPrefix("M110 N") == true)
        #expect(Array(commands.dropFirst().prefix(2)) == [StreamingTests.job[3], StreamingTests.job[4]])
        #expect(t.machine.jobProgress?.confirmedCommands == 3)
    }

    /// A cancel while lines wait on the flush guess: no job line goes out again after it, only the renumbering and
    /// the cancel script, which switches the heaters off.
    @Test func aCancelDuringAFlushGuessSendsNoJobLineAgain() {
        var (t, _) = ResendTests.printing()
        t.firmware("Error:checksum mismatch, Last Line: 3", "Resend: 4", "ok")
        _ = t.takeWritten()
        t.firmware("Error:Line Number is not Last Line Number+1, Last Line: 3", "Resend: 4", "ok")
        t.apply(t.machine.cancel(now: t.now))
        t.advance(seconds: 0.05)
        let renumbering = t.takeCommands()
        #expect(renumbering.count == 1 && renumbering.first?.hasPrefix("M110 N") == true)
        t.firmware("ok") // the M110: nothing follows it before its ok
        let script = t.takeCommands()
        #expect(!script.contains { $0.hasPrefix("G1") })
        #expect(script.contains("M104 S0") && script.contains("M140 S0"))
        #expect(t.machine.counters.flushedLinesResent == 0)
    }
}
