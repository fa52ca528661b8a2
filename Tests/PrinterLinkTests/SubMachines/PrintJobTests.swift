import Testing
@testable import PrinterLink

@Suite struct PrintJobTests {
    let start = ContinuousClock.now

    @Test func aCancelEscalatesOneStepPerQuietTimeout() {
        let timeout = Duration.seconds(5)
        var watch = CancelWatch(step: nil, quietSince: start)
        #expect(watch.dueStep(now: start + .seconds(4), timeout: timeout, emergencyParser: true) == nil)
        #expect(watch.dueStep(now: start + timeout, timeout: timeout, emergencyParser: true) == .resynchronised)
        watch = CancelWatch(step: .resynchronised, quietSince: start + timeout)
        #expect(watch.dueStep(now: start + .seconds(10), timeout: timeout, emergencyParser: true) == .waitBroken)
        // Without the emergency parser M108 would wait behind the heat-up: straight to M112.
        #expect(watch.dueStep(now: start + .seconds(10), timeout: timeout, emergencyParser: false) == .emergencyStop)
        watch = CancelWatch(step: .waitBroken, quietSince: start + .seconds(10))
        #expect(watch.dueStep(now: start + .seconds(15), timeout: timeout, emergencyParser: true) == .emergencyStop)
        watch = CancelWatch(step: .emergencyStop, quietSince: start + .seconds(15))
        #expect(watch.dueStep(now: start + .seconds(60), timeout: timeout, emergencyParser: true) == nil)
    }

    @Test func progressDuringACancelRestartsItsClock() {
        var job = PrintJob(totalCommands: 10, fileSize: 100)
        job.phase = .cancelling(.cancelled, watch: CancelWatch(step: nil, quietSince: start))
        job.cancelProgressed(now: start + .seconds(3))
        #expect(job.cancelWatch == CancelWatch(step: nil, quietSince: start + .seconds(3)))
        job.cancelEscalated(to: .resynchronised, now: start + .seconds(8))
        #expect(job.cancelWatch == CancelWatch(step: .resynchronised, quietSince: start + .seconds(8)))
        #expect(job.isCancelling)
    }

    @Test func linesAreNumberedInFileOrderAndConfirmedForward() {
        var job = PrintJob(totalCommands: 3, fileSize: 30)
        let first = job.nextLine(fileLine: 4, endOffset: 10)
        let second = job.nextLine(fileLine: 9, endOffset: 20)
        #expect(first.commandIndex == 0 && second.commandIndex == 1)
        job.confirm(second)
        job.confirm(first) // a late confirmation never moves progress back
        #expect(job.progress.confirmedCommands == 2)
        #expect(job.progress.lastConfirmedFileLine == 9)
        #expect(job.progress.confirmedOffset == 20)
    }

    @Test func theEndOfTheFileFinishesOnlyAPrintingJob() {
        var printing = PrintJob(totalCommands: 1, fileSize: 1)
        do { let result = printing.exhaustSource(); #expect(result) }
        #expect(printing.phase == .finishing)
        var paused = PrintJob(totalCommands: 1, fileSize: 1)
        paused.phase = .paused
        do { let result = paused.exhaustSource(); #expect(!result) }
        #expect(paused.sourceExhausted && paused.phase == .paused)
    }

    @Test func anInterruptedJobSaysWhereItStopped() {
        var job = PrintJob(totalCommands: 3, fileSize: 30)
        job.confirm(job.nextLine(fileLine: 12, endOffset: 10))
        #expect(job.finalOutcome(.interrupted("link lost")) == .interrupted("link lost; last line the printer confirmed: 12"))
        #expect(job.finalOutcome(.cancelled) == .cancelled)
    }
}
