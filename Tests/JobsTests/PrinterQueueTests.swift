import Foundation
import Jobs
import PrinterLink
import Testing

@Suite struct PrinterQueueTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func job(_ id: String, state: PrintJobState = .ready) -> PrintJob {
        PrintJob(id: id, serviceId: "mk3", name: "\(id).gcode", contentURI: "file:///spool/\(id).gcode",
                 spoolPath: "/spool/\(id).gcode", state: state, totalLines: 100, createdAt: now)
    }

    @Test func jobsStartInOrderOneAtATime() throws {
        var queue = PrinterQueue(serviceId: "mk3")
        queue.add(job("a"))
        queue.add(job("b"))
        #expect(queue.nextToStart()?.id == "a")
        _ = try queue.markPrinting("a", totalLines: 100, now: now)
        #expect(queue.nextToStart() == nil, "one job on the printer at a time")
        #expect(queue.order(of: "a") == 1)
        #expect(queue.order(of: "b") == 2)
        let done = queue.finishCurrent(.completed, progress: nil, now: now)
        #expect(done?.state == .completed)
        #expect(done?.progress == 1)
        #expect(queue.order(of: "a") == 0)
        #expect(queue.nextToStart()?.id == "b")
        #expect(queue.holdReason == nil)
    }

    @Test func aJobStillDownloadingIsSkippedUntilReady() throws {
        var queue = PrinterQueue(serviceId: "mk3")
        queue.add(job("a", state: .downloading))
        queue.add(job("b"))
        #expect(queue.nextToStart()?.id == "b")
    }

    @Test(arguments: [JobOutcome.failed("thermal runaway"), .interrupted("the port hung up")])
    func failuresHoldTheQueueUntilReleased(outcome: JobOutcome) throws {
        var queue = PrinterQueue(serviceId: "mk3")
        queue.add(job("a"))
        queue.add(job("b"))
        _ = try queue.markPrinting("a", totalLines: 100, now: now)
        let progress = JobProgress(totalCommands: 100, confirmedCommands: 40, lastConfirmedFileLine: 57,
                                   confirmedOffset: 400, fileSize: 1000)
        let finished = queue.finishCurrent(outcome, progress: progress, now: now)
        let ended = try #require(finished)
        #expect(ended.lastConfirmedFileLine == 57)
        #expect(ended.confirmedLines == 40)
        #expect(ended.finishedAt == now)
        #expect(queue.nextToStart() == nil)
        #expect(queue.holdReason != nil)
        let released = queue.release()
        let releasedAgain = queue.release()
        #expect(released)
        #expect(!releasedAgain)
        #expect(queue.nextToStart()?.id == "b")
    }

    @Test func anInterruptedJobNamesTheLastConfirmedLine() throws {
        var queue = PrinterQueue(serviceId: "mk3")
        queue.add(job("a"))
        _ = try queue.markPrinting("a", totalLines: 100, now: now)
        let progress = JobProgress(totalCommands: 100, confirmedCommands: 10, lastConfirmedFileLine: 23,
                                   confirmedOffset: 100, fileSize: 1000)
        let finished = queue.finishCurrent(.interrupted("the port hung up"), progress: progress, now: now)
        let ended = try #require(finished)
        #expect(ended.state == .interrupted)
        #expect(ended.message.contains("file line 23"))
    }

    @Test func pauseAndResumeFollowThePrinter() throws {
        var queue = PrinterQueue(serviceId: "mk3")
        queue.add(job("a"))
        _ = try queue.markPrinting("a", totalLines: 100, now: now)
        let paused = queue.markOnPrinter(paused: true)
        let pausedAgain = queue.markOnPrinter(paused: true)
        #expect(paused?.state == .paused)
        #expect(pausedAgain == nil, "no change, no news")
        #expect(queue.current?.id == "a")
        let resumed = queue.markOnPrinter(paused: false)
        #expect(resumed?.state == .printing)
    }

    @Test func waitingJobsCancelHereButTheOneOnThePrinterDoesNot() throws {
        var queue = PrinterQueue(serviceId: "mk3")
        queue.add(job("a"))
        queue.add(job("b"))
        _ = try queue.markPrinting("a", totalLines: 100, now: now)
        let cancelled = try queue.cancelWaiting("b", now: now)
        #expect(cancelled.state == .cancelled)
        var copy = queue
        #expect(throws: PrinterQueue.QueueError.self) { try copy.cancelWaiting("a", now: now) }
        #expect(throws: PrinterQueue.QueueError.jobNotFound("zz")) { try copy.cancelWaiting("zz", now: now) }
        #expect(queue.job("b")?.state == .cancelled, "finished jobs stay queryable")
    }

    @Test func progressIsRecordedOnTheJobOnThePrinter() throws {
        var queue = PrinterQueue(serviceId: "mk3")
        let nothing = queue.recordProgress(JobProgress(totalCommands: 1, fileSize: 1))
        #expect(nothing == nil)
        queue.add(job("a"))
        _ = try queue.markPrinting("a", totalLines: 100, now: now)
        let progress = JobProgress(totalCommands: 100, confirmedCommands: 50, lastConfirmedFileLine: 60,
                                   confirmedOffset: 500, fileSize: 1000)
        let recorded = queue.recordProgress(progress)
        let updated = try #require(recorded)
        #expect(updated.progress == 0.5)
        #expect(updated.confirmedLines == 50)
    }

    @Test func historyIsBounded() throws {
        var queue = PrinterQueue(serviceId: "mk3", historyLimit: 3)
        for index in 0..<5 {
            queue.add(job("j\(index)"))
            _ = try queue.cancelWaiting("j\(index)", now: now)
        }
        #expect(queue.finished.map(\.id) == ["j2", "j3", "j4"])
    }

    @Test(arguments: [("M117 Layer 3", "Layer 3"), ("m117 hi", "hi"), ("M117", ""), ("M1170 x", nil), ("G1 X1", nil)])
    func displayTextOfM117(command: String, expected: String?) {
        #expect(PrinterDisplayText.of(command) == expected)
    }
}

/// What a restart does to the queue it finds on disk.
@Suite struct PrinterQueueRestoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func job(_ id: String, _ state: PrintJobState) -> PrintJob {
        var job = PrintJob(id: id, serviceId: "mk3", name: id, contentURI: "https://c/\(id)", state: state, createdAt: now)
        job.lastConfirmedFileLine = 321
        return job
    }

    @Test(arguments: [PrintJobState.printing, .paused])
    func aJobOnThePrinterIsInterruptedAndHoldsTheQueue(state: PrintJobState) throws {
        let queue = PrinterQueue(serviceId: "mk3", restoring: [job("a", state), job("b", .ready)], holdReason: nil, now: now)
        let interrupted = try #require(queue.job("a"))
        #expect(interrupted.state == .interrupted)
        #expect(interrupted.finishedAt == now)
        #expect(interrupted.message.contains("file line 321"))
        #expect(queue.holdReason?.contains("job a was interrupted") == true)
        #expect(queue.nextToStart() == nil, "nothing prints again until a person says so")
        #expect(queue.active.map(\.id) == ["b"])
    }

    @Test func aDownloadCutOffWaitsToResume() {
        let queue = PrinterQueue(serviceId: "mk3", restoring: [job("a", .downloading), job("b", .queued)],
                                 holdReason: nil, now: now)
        #expect(queue.active.map(\.state) == [.queued, .queued])
        #expect(queue.nextToPrepare()?.id == "a")
        #expect(queue.holdReason == nil)
    }

    @Test func aHoldAndTheHistorySurvive() {
        let queue = PrinterQueue(serviceId: "mk3", restoring: [job("old", .failed), job("b", .ready)],
                                 holdReason: "job old failed", now: now)
        #expect(queue.holdReason == "job old failed")
        #expect(queue.finished.map(\.id) == ["old"])
        #expect(queue.nextToStart() == nil)
    }

    @Test func preparationMovesAWaitingJobToReady() throws {
        var queue = PrinterQueue(serviceId: "mk3")
        queue.add(job("a", .queued))
        _ = try queue.updateWaiting("a") { $0.state = .downloading; $0.bytesDownloaded = 10 }
        #expect(queue.nextToStart() == nil)
        let ready = try queue.markReady("a", spoolPath: "/spool/a.gcode", totalLines: 42)
        #expect(ready.state == .ready)
        #expect(ready.totalLines == 42)
        #expect(queue.nextToStart()?.id == "a")
        #expect(queue.nextToPrepare() == nil)
    }
}
