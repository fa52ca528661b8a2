import GCode
import Testing
@testable import PrinterLink

@Suite struct HandshakeTests {
    @Test func saysHelloThenIdentifiesThenIsReady() {
        var t = Transcript()
        t.open()
        #expect(t.takeWritten() == ["N0 M110 N0*125"])
        #expect(t.machine.state == .connecting)
        t.firmware("ok")
        #expect(t.takeCommands() == ["M115", "M211"])
        t.firmware("FIRMWARE_NAME:Marlin 2.1.2.4 (x) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:Ender-3 EXTRUDER_COUNT:1 UUID:abc",
                   "Cap:AUTOREPORT_TEMP:1", "Cap:EMERGENCY_PARSER:1", "ok")
        #expect(t.machine.state == .connecting)
        t.firmware("echo:Soft endstops: On   Min:  X0.00 Y0.00 Z0.00   Max:  X235.00 Y235.00 Z250.00", "ok")
        #expect(t.machine.state == .ready)
        #expect(t.machine.identity.info?.machineType == "Ender-3")
        #expect(t.machine.identity.has("EMERGENCY_PARSER"))
        #expect(t.machine.identity.buildVolume?.max.x == 235)
        // With AUTOREPORT_TEMP the firmware reports temperatures by itself; no polling.
        #expect(t.takeCommands() == ["M155 S2"])
        #expect(t.events.contains { if case .connected = $0 { return true } else { return false } })
        t.firmware("ok")
        t.advance(seconds: 10)
        #expect(t.takeWritten().isEmpty)
    }

    @Test func aControllerThatResetsOnOpenGetsTheHelloAgainAfterStart() {
        var t = Transcript()
        t.open()
        _ = t.takeWritten()
        // The hello went to a booting bootloader; the firmware greets when it is up.
        t.firmware("start", "echo:Marlin 2.1.2.4", "echo: Last Updated: 2024-01-01")
        #expect(t.takeWritten() == ["N0 M110 N0*125"])
        t.firmware("ok")
        #expect(t.takeCommands() == ["M115", "M211"])
    }

    @Test func repeatsTheHelloUntilTheConnectTimeout() {
        var settings = LinkSettings()
        settings.helloInterval = .seconds(1)
        settings.connectTimeout = .seconds(5)
        var t = Transcript(settings: settings)
        t.open()
        _ = t.takeWritten()
        t.advance(seconds: 1.01)
        #expect(t.takeWritten() == ["N0 M110 N0*125"])
        for _ in 0..<4 { t.advance(seconds: 1.01) }
        guard case .disconnected(let reason) = t.machine.state else {
            Issue.record("expected disconnected, got \(t.machine.state)")
            return
        }
        #expect(reason.contains("baud rate"))
    }

    @Test func pollsTemperaturesWithoutAutoreport() {
        var t = Transcript()
        t.connect(capabilities: ["AUTOREPORT_TEMP": false])
        t.advance(seconds: 2.01)
        #expect(t.takeCommands() == ["M105"])
        t.firmware("ok T:210.0 /210.0 B:60.0 /60.0 @:127 B@:0")
        #expect(t.machine.lastTemperature?.hotends[0]?.actual == 210)
        #expect(t.machine.lastTemperature?.bed?.target == 60)
    }
}

@Suite struct StreamingTests {
    static let job = (1...40).map { "G1 X\($0) Y\($0 % 7)" }

    @Test func keepsFourLinesInFlightAndCompletesWithHeatersOff() {
        var (t, next) = Transcript.printing(Self.job)
        #expect(t.takeCommands() == Array(Self.job[0..<4]))
        #expect(t.machine.linesInFlight == 4)
        while t.finishedOutcome == nil {
            t.firmware("ok")
            t.feed(Self.job, from: &next)
        }
        #expect(t.finishedOutcome == .completed)
        let sent = t.takeCommands()
        #expect(Array(sent.prefix(Self.job.count - 4)) == Array(Self.job[4...]))
        #expect(Array(sent.suffix(2)) == ["M104 S0", "M140 S0"])
        #expect(t.machine.jobProgress == nil)
        #expect(t.machine.state == .ready)
    }

    @Test func theByteWindowLimitsLongLines() {
        var t = Transcript()
        t.connect()
        let long = (0..<8).map { "G1 X\($0).123456 Y\($0).654321 Z0.300000 E\($0).98765432 F1800" }
        var next = 0
        t.startJob(total: long.count)
        t.feed(long, from: &next)
        let bytes = t.takeWritten().reduce(0) { $0 + $1.utf8.count + 1 }
        #expect(bytes <= 127)
        #expect(t.machine.linesInFlight == 2)
    }

    @Test func advancedOkWidensTheWindowToTheFirmwareBuffer() {
        let short = (1...100).map { "G1 X\($0 % 10)" }
        var (t, next) = Transcript.printing(short)
        for line in 0..<24 {
            // One garbled digit among them must not count.
            t.firmware(line == 5 ? "ok N\(3 + line) P15 B9" : "ok N\(3 + line) P15 B7")
            t.feed(short, from: &next)
        }
        #expect(t.machine.currentWindow == 8)
        #expect(t.machine.linesInFlight == 8)
    }

    @Test func advancedOkRecoversAcknowledgementsLostOnTheWire() {
        let short = (1...100).map { "G1 X\($0 % 10)" }
        var (t, next) = Transcript.printing(short)
        #expect(t.takeNumbers() == [3, 4, 5, 6])
        for line in 3..<23 {
            t.firmware("ok N\(line) P15 B3") // learns BUFSIZE 4 from what the firmware says again and again
            t.feed(short, from: &next)
        }
        #expect(t.takeNumbers() == Array(7...26))
        // The oks of lines 23 and 24 were lost; this one, for 25 with nothing queued behind it, says so.
        t.firmware("ok N25 P15 B3")
        #expect(t.machine.counters.assumedAcknowledgements == 2)
        #expect(t.machine.jobProgress?.confirmedCommands == 23)
        #expect(t.machine.linesInFlight == 1)
    }
}

@Suite struct ResendTests {
    /// Connects and puts lines 3–6 (commands 0–3) in flight, then acknowledges line 3 so that line 7 follows.
    static func printing() -> (Transcript, Int) {
        var (t, next) = Transcript.printing(StreamingTests.job)
        t.firmware("ok")
        t.feed(StreamingTests.job, from: &next)
        #expect(t.takeNumbers() == [3, 4, 5, 6, 7])
        return (t, next)
    }

    @Test func resendWithFollowingOkSendsEachLineAgainOnce() {
        var (t, next) = Self.printing()
        t.firmware("Error:checksum mismatch, Last Line: 3", "Resend: 4", "ok")
        // Sent again at once, with no timer: the requests still to come are counted off instead.
        #expect(t.takeNumbers() == [4, 5, 6, 7])
        // Lines 5–7 were behind the bad one: rejected in turn (or emptied out of the firmware's buffer).
        for _ in 0..<3 {
            t.firmware("Error:Line Number is not Last Line Number+1, Last Line: 3", "Resend: 4", "ok")
        }
        #expect(t.takeWritten().isEmpty) // expected repetitions, not new failures
        #expect(t.machine.counters.ignoredDuplicateResends == 3)
        for _ in 0..<4 { t.firmware("ok"); t.feed(StreamingTests.job, from: &next) }
        #expect(t.takeNumbers() == [8, 9, 10, 11])
        #expect(t.machine.jobProgress?.confirmedCommands == 5)
    }

    @Test func onlyTheOkRightAfterAResendRequestIsNotAnAcknowledgement() {
        var (t, _) = Self.printing()
        // The ok that followed this request was lost on the wire; the next ok is a real one.
        t.firmware("Error:checksum mismatch, Last Line: 5", "Resend: 6", "o#")
        t.firmware("ok")
        #expect(t.machine.jobProgress?.confirmedCommands == 2)
    }

    @Test func linesTheFirmwareHadAlreadyQueuedKeepTheirAcknowledgements() {
        var (t, next) = Self.printing()
        // Lines 4 and 5 sit in the firmware's command queue; line 6 arrived garbled.
        t.firmware("Error:checksum mismatch, Last Line: 5", "Resend: 6", "ok")
        t.firmware("ok", "ok") // 4 and 5 executed
        #expect(t.machine.jobProgress?.confirmedCommands == 3)
        t.advance(seconds: 0.05)
        #expect(t.takeNumbers() == [6, 7])
        t.firmware("ok", "ok")
        t.feed(StreamingTests.job, from: &next)
        #expect(t.machine.jobProgress?.confirmedCommands == 5)
    }

    @Test func resendWithoutOkAsSomeFirmwaresDo() {
        var settings = LinkSettings()
        settings.resendWithoutOk = true
        var (t, next) = Transcript.printing(StreamingTests.job, settings: settings)
        t.firmware("ok")
        t.feed(StreamingTests.job, from: &next)
        _ = t.takeWritten()
        t.firmware("rs N4", "rs N4", "rs N4", "rs N4")
        t.advance(seconds: 0.01) // within a round trip (see NoisyResendTests for what comes after)
        #expect(t.takeNumbers() == [4, 5, 6, 7])
        for _ in 0..<4 { t.firmware("ok"); t.feed(StreamingTests.job, from: &next) }
        #expect(t.takeNumbers() == [8, 9, 10, 11])
        #expect(t.machine.jobProgress?.confirmedCommands == 5)
    }

    @Test func aResendStormStopsTheJobAndSwitchesTheHeatersOff() {
        var (t, next) = Transcript.printing(StreamingTests.job)
        var expected = 3
        var rejectOnce: Set<Int> = []
        // A firmware that never accepts line 4, as with a broken cable; it takes the M110 that resets numbering.
        t.answerLikeMarlin(expected: &expected, rejectOnce: &rejectOnce, neverAccept: 4,
                           job: StreamingTests.job, next: &next)
        guard case .failed(let reason)? = t.finishedOutcome else {
            Issue.record("expected a failed job, got \(String(describing: t.finishedOutcome))")
            return
        }
        #expect(reason.contains("resend storm"))
        #expect(reason.contains("line 4"))
        #expect(t.machine.counters.resendRequests > LinkSettings().resendStormLimit)
    }

    @Test func stoppingAJobMidResendRenumbersBeforeTheCancelScript() {
        var (t, _) = Self.printing()
        t.firmware("Error:checksum mismatch, Last Line: 3", "Resend: 4", "ok")
        _ = t.takeWritten() // 4–7 again, filling the window
        t.apply(t.machine.cancel(now: t.now))
        #expect(t.takeWritten().isEmpty)
        t.firmware("ok", "ok", "ok", "ok")
        // Marlin 2.1 sets the line number again when M110 executes: nothing follows it before its ok.
        #expect(t.takeCommands().map { String($0.prefix(6)) } == ["M110 N"])
        for _ in 0..<5 { t.firmware("ok") }
        let commands = t.takeCommands()
        #expect(commands.contains("M104 S0"))
        #expect(commands.contains("M140 S0"))
        #expect(!commands.contains { $0.hasPrefix("G1") })
    }

    @Test func aRequestForALineNeverSentIsIgnored() {
        var (t, _) = Self.printing()
        t.firmware("Resend: 9999", "ok")
        #expect(t.takeNumbers().allSatisfy { $0 != 9999 })
        #expect(t.finishedOutcome == nil)
    }
}

@Suite struct TimeoutTests {
    @Test func longCommandsDoNotTimeOutWhileTheFirmwareIsBusy() {
        var t = Transcript()
        t.connect()
        var next = 0
        let job = ["G28", "G1 X10", "G1 X20"]
        t.startJob(total: job.count)
        t.feed(job, from: &next)
        _ = t.takeWritten()
        for _ in 0..<10 {
            t.advance(seconds: 2)
            t.firmware("echo:busy: processing")
        }
        // Even in silence a homing move is allowed its time.
        t.advance(seconds: 120)
        #expect(t.machine.counters.assumedAcknowledgements == 0)
        #expect(t.takeWritten().isEmpty)
        t.firmware("ok")
        #expect(t.machine.jobProgress?.confirmedCommands == 1)
    }

    @Test func silenceAfterAnOrdinaryLineAssumesTheOkWasLostAndProbes() {
        var t = Transcript()
        t.connect()
        var next = 0
        let job = ["G1 X10"]
        t.startJob(total: job.count)
        t.feed(job, from: &next)
        _ = t.takeWritten()
        t.advance(seconds: 3.01)
        #expect(t.machine.counters.assumedAcknowledgements == 1)
        // The probe is numbered: had line 3 never arrived, the firmware would now ask for it.
        #expect(t.takeCommands().contains("M105"))
    }

    @Test func waitFromAnIdleFirmwareReleasesEverythingInFlight() {
        var (t, _) = Transcript.printing(StreamingTests.job)
        t.firmware("wait")
        #expect(t.machine.counters.assumedAcknowledgements == 4)
    }
}

@Suite struct FaultTests {
    @Test func aControllerResetMidPrintInterruptsTheJobWithItsLine() {
        var (t, _) = ResendTests.printing()
        t.firmware("ok", "ok")
        t.firmware("start")
        guard case .interrupted(let reason)? = t.finishedOutcome else {
            Issue.record("expected interrupted, got \(String(describing: t.finishedOutcome))")
            return
        }
        #expect(reason.contains("reset"))
        #expect(reason.contains("last line the printer confirmed: 3"))
        #expect(t.events.contains(.controllerReset))
        // It says hello again but never continues the job by itself.
        #expect(t.takeWritten().last == "N0 M110 N0*125")
        #expect(t.machine.state == .connecting)
    }

    @Test func aHaltedFirmwareFailsTheJobAndGetsNothingMore() {
        var (t, _) = ResendTests.printing()
        _ = t.takeWritten()
        t.firmware("Error:Thermal Runaway, system stopped! Heater_ID: 0", "Error:Printer halted. kill() called!")
        guard case .failed(let reason)? = t.finishedOutcome else {
            Issue.record("expected failed, got \(String(describing: t.finishedOutcome))")
            return
        }
        #expect(reason.contains("halted"))
        guard case .halted = t.machine.state else {
            Issue.record("expected halted, got \(t.machine.state)")
            return
        }
        t.firmware("ok")
        t.advance(seconds: 30)
        #expect(t.takeWritten().isEmpty)
    }

    @Test func emergencyStopGoesOutFirstAndHalts() {
        var (t, _) = ResendTests.printing()
        _ = t.takeWritten()
        t.apply(t.machine.emergencyStop(now: t.now))
        #expect(t.takeWritten() == ["M112"])
        #expect(t.finishedOutcome == .cancelled)
        guard case .halted = t.machine.state else {
            Issue.record("expected halted, got \(t.machine.state)")
            return
        }
    }

    @Test func emergencyCommandsJumpAFullWindowWhenTheFirmwareHasTheParser() {
        var (t, _) = ResendTests.printing()
        _ = t.takeWritten()
        #expect(t.machine.linesInFlight == 4)
        t.apply(t.machine.sendCommand("M108", id: 7, now: t.now))
        #expect(t.takeWritten() == ["M108"])
    }

    @Test func withoutTheParserEmergencyCommandsWaitTheirTurn() {
        var t = Transcript()
        t.connect(capabilities: ["EMERGENCY_PARSER": false])
        var next = 0
        t.startJob(total: StreamingTests.job.count)
        t.feed(StreamingTests.job, from: &next)
        _ = t.takeWritten()
        t.apply(t.machine.sendCommand("M108", id: 7, now: t.now))
        #expect(t.takeWritten().isEmpty)
        t.firmware("ok")
        #expect(t.takeCommands() == ["M108"])
    }

    @Test func linkLostInterruptsWithTheLastConfirmedLine() {
        var (t, _) = ResendTests.printing()
        t.firmware("ok")
        t.apply(t.machine.linkLost(reason: "unplugged", now: t.now))
        #expect(t.finishedOutcome == .interrupted("link lost: unplugged; last line the printer confirmed: 2"))
    }

    @Test func acknowledgementsForLinesNeverSentFallBackToOneLineInFlight() {
        var t = Transcript()
        t.connect()
        t.firmware("ok", "ok", "ok")
        #expect(t.events.contains { if case .windowFallback = $0 { return true } else { return false } })
        #expect(t.machine.currentWindow == 1)
    }

    @Test func manyResendsFallBackToOneLineInFlight() {
        var settings = LinkSettings()
        settings.misbehaviourResends = 3
        var t = Transcript(settings: settings)
        t.connect()
        var next = 0
        let job = (1...200).map { "G1 X\($0)" }
        t.startJob(total: job.count)
        t.feed(job, from: &next)
        var expected = 3
        var rejectOnce: Set<Int> = [5, 9, 13]
        t.answerLikeMarlin(expected: &expected, rejectOnce: &rejectOnce, job: job, next: &next, limit: 40)
        #expect(t.events.contains { if case .windowFallback = $0 { return true } else { return false } })
        #expect(t.machine.currentWindow == 1)
        #expect(t.machine.linesInFlight <= 1)
    }

    @Test func aFirmwareThatGarblesLinesStillGetsEachLineOnceInOrder() {
        var t = Transcript()
        t.connect()
        var next = 0
        let job = (1...300).map { "G1 X\($0)" }
        t.startJob(total: job.count)
        t.feed(job, from: &next)
        var expected = 3
        var rejectOnce = Set(stride(from: 5, to: 300, by: 11))
        t.answerLikeMarlin(expected: &expected, rejectOnce: &rejectOnce, job: job, next: &next)
        #expect(t.finishedOutcome == .completed)
        #expect(t.machine.counters.resendRequests > 20)
        // The fake accepted only in-sequence lines, so `expected` counts what it executed exactly once.
        #expect(expected == 3 + job.count + LinkSettings().completionScript.count)
    }

}

@Suite struct JobControlTests {
    @Test func pauseRunsItsScriptAfterTheLinesInFlightThenResumeContinues() {
        var settings = LinkSettings()
        settings.pauseScript = ["G91", "G1 Z5", "G90"]
        settings.resumeScript = ["G91", "G1 Z-5", "G90"]
        var (t, next) = Transcript.printing(StreamingTests.job, settings: settings)
        _ = t.takeWritten()
        t.apply(t.machine.pause(now: t.now))
        #expect(t.machine.state == .pausing)
        for _ in 0..<7 { t.firmware("ok"); t.feed(StreamingTests.job, from: &next) }
        #expect(t.takeCommands() == ["G91", "G1 Z5", "G90"])
        #expect(t.machine.state == .paused)
        t.apply(t.machine.resume(now: t.now))
        t.feed(StreamingTests.job, from: &next)
        let resumed = t.takeCommands()
        #expect(Array(resumed.prefix(3)) == ["G91", "G1 Z-5", "G90"])
        #expect(resumed.count == 4) // the script fills three of the four slots; one job line follows
        #expect(resumed.last == StreamingTests.job[4])
    }

    @Test func cancelSwitchesTheHeatersOffAndReportsCancelled() {
        var (t, _) = ResendTests.printing()
        _ = t.takeWritten()
        t.apply(t.machine.cancel(now: t.now))
        #expect(t.machine.state == .cancelling)
        for _ in 0..<12 { t.firmware("ok") }
        let commands = t.takeCommands()
        #expect(commands.contains("M104 S0"))
        #expect(commands.contains("M140 S0"))
        #expect(!commands.contains { $0.hasPrefix("G1") })
        #expect(t.finishedOutcome == .cancelled)
        #expect(t.machine.state == .ready)
    }

    @Test func theFirmwareCanAskTheHostToPause() {
        var (t, _) = ResendTests.printing()
        t.firmware("//action:pause")
        #expect(t.machine.state == .pausing)
        t.firmware("//action:cancel")
        #expect(t.machine.state == .cancelling)
    }

    @Test func consoleCommandsReturnTheirReplies() {
        var t = Transcript()
        t.connect()
        t.apply(t.machine.sendCommand("M114 ; where am I", id: 42, now: t.now))
        #expect(t.takeCommands() == ["M114"])
        t.firmware("X:0.00 Y:0.00 Z:0.00 E:0.00 Count X:0 Y:0 Z:0", "ok")
        #expect(t.events.contains(.commandCompleted(id: 42, replies: ["X:0.00 Y:0.00 Z:0.00 E:0.00 Count X:0 Y:0 Z:0"])))
    }
}
