import Foundation
import Jobs
import PrinterLink
import Testing

/// A person takes jobs out of the queue: a finished one from the history, a waiting one; never the one on the
/// printer (that is print.stop's, whose cancel script switches the heaters off).
@Suite struct PrinterQueueRemovalTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func job(_ id: String, state: PrintJobState = .ready) -> PrintJob {
        PrintJob(id: id, serviceId: "mk3", name: "\(id).gcode", contentURI: "file:///spool/\(id).gcode",
                 spoolPath: "/spool/\(id).gcode", state: state, totalLines: 100, createdAt: now)
    }

    @Test func finishedAndWaitingJobsAreRemovedButNotTheOneOnThePrinter() throws {
        var queue = PrinterQueue(serviceId: "mk3")
        for id in ["a", "b", "c"] { queue.add(job(id)) }
        _ = try queue.markPrinting("a", totalLines: 100, now: now)
        _ = queue.finishCurrent(.interrupted("the port hung up"), progress: nil, now: now)
        _ = try queue.markPrinting("b", totalLines: 100, now: now)

        #expect(throws: PrinterQueue.QueueError.notPossible("job b is on the printer; stopping it is the printer's to do")) {
            try queue.remove("b")
        }
        #expect(try queue.remove("a").state == .interrupted)
        #expect(try queue.remove("c").state == .ready)
        #expect(queue.job("a") == nil && queue.job("c") == nil)
        #expect(queue.active.map(\.id) == ["b"])
        #expect(queue.finished.isEmpty)
        #expect(throws: PrinterQueue.QueueError.jobNotFound("a")) { try queue.remove("a") }
        #expect(queue.holdReason != nil, "removing the interrupted job does not release the hold")
    }

    @Test func aFinishedJobsRecordCanBeChanged() throws {
        var queue = PrinterQueue(serviceId: "mk3")
        queue.add(job("a"))
        _ = try queue.markPrinting("a", totalLines: 100, now: now)
        _ = queue.finishCurrent(.interrupted("the port hung up"), progress: nil, now: now)
        let changed = try queue.updateFinished("a") { $0.spoolPath = nil }
        #expect(changed.spoolPath == nil)
        #expect(queue.job("a")?.spoolPath == nil)
        #expect(throws: PrinterQueue.QueueError.jobNotFound("b")) { try queue.updateFinished("b") { _ in } }
    }
}
