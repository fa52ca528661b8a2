import Foundation
import PrinterLink

/// One printer's jobs, in the order they print (FIFO), and the finished ones. Pure: the printer's service feeds
/// it what the link reports and performs what it answers.
///
/// After a job fails or is interrupted the queue is held: the next job does not start on a printer in an unknown
/// state (a half-printed part on the bed, a heater fault) until a person releases it.
public struct PrinterQueue: Sendable {
    public let serviceId: String
    public private(set) var active: [PrintJob] = []
    /// Finished jobs, newest last; at most `historyLimit` of them.
    public private(set) var finished: [PrintJob] = []
    /// Why the queue does not start the next job by itself, when it does not.
    public private(set) var holdReason: String?
    public let historyLimit: Int

    public init(serviceId: String, historyLimit: Int = 100) {
        self.serviceId = serviceId
        self.historyLimit = historyLimit
    }

    /// The queue as the agent left it when it last stopped, with what that stop did to it. A job that was on the
    /// printer when the agent died (a crash, `kill -9`, a power cut) is `interrupted` at the last line saved for
    /// it and holds the queue: the agent cannot know what the printer did since, so a person decides. A
    /// download cut off is queued again; it resumes from its part file.
    public init(serviceId: String, restoring saved: [PrintJob], holdReason: String?, now: Date,
                historyLimit: Int = 100) {
        self.init(serviceId: serviceId, historyLimit: historyLimit)
        self.holdReason = holdReason
        for var job in saved {
            precondition(job.serviceId == serviceId, "a job belongs to its printer's queue")
            switch job.state {
            case .printing, .paused:
                job.state = .interrupted
                job.finishedAt = now
                job.message = "the agent stopped unexpectedly during the print; the last line the printer confirmed is file line \(job.lastConfirmedFileLine) (or later)"
                self.holdReason = "job \(job.id) was interrupted: the agent stopped unexpectedly during the print"
                archive(job)
            case .downloading, .slicing:
                job.state = .queued
                job.message = "waiting to resume after the agent restarted"
                active.append(job)
            case .queued, .ready:
                active.append(job)
            case .completed, .failed, .cancelled, .interrupted:
                archive(job)
            }
        }
    }
    public enum QueueError: Error, Equatable, CustomStringConvertible {
        case jobNotFound(String)
        case notPossible(String)

        public var description: String {
            switch self {
            case .jobNotFound(let id): return "no job \(id) in the queue"
            case .notPossible(let reason): return reason
            }
        }
    }

    /// The job on the printer: printing, or paused in the middle.
    public var current: PrintJob? { active.first { $0.state.isOnPrinter } }

    public func job(_ id: String) -> PrintJob? {
        active.first { $0.id == id } ?? finished.last { $0.id == id }
    }

    /// 1-based position among the jobs still to finish; 0 for finished jobs.
    public func order(of id: String) -> Int {
        (active.firstIndex { $0.id == id }).map { $0 + 1 } ?? 0
    }

    public mutating func add(_ job: PrintJob) {
        precondition(job.serviceId == serviceId, "a job belongs to its printer's queue")
        active.append(job)
    }

    /// The job to start now, when the printer is free and the queue is not held.
    public func nextToStart() -> PrintJob? {
        guard holdReason == nil, current == nil else { return nil }
        return active.first { $0.state == .ready }
    }

    public mutating func markPrinting(_ id: String, totalLines: Int, now: Date) throws(QueueError) -> PrintJob {
        try update(id) { job in
            job.state = .printing
            job.totalLines = totalLines
            job.startedAt = job.startedAt ?? now
            job.message = ""
        }
    }

    /// The next job whose content is still to be fetched (or sliced), in queue order.
    public func nextToPrepare() -> PrintJob? {
        active.first { $0.state == .queued || $0.state == .downloading || $0.state == .slicing }
    }

    /// The preparation of a waiting job moved on: its content is known, bytes arrived, it is being sliced.
    public mutating func updateWaiting(_ id: String, _ change: (inout PrintJob) -> Void) throws(QueueError) -> PrintJob {
        guard let index = active.firstIndex(where: { $0.id == id }) else { throw .jobNotFound(id) }
        guard !active[index].state.isOnPrinter else { throw .notPossible("job \(id) is already on the printer") }
        change(&active[index])
        return active[index]
    }

    /// The job's G-code is in the spool and checked: it may print once its printer is free.
    public mutating func markReady(_ id: String, spoolPath: String, totalLines: Int,
                                   printInfo: PrintInfo? = nil, timeline: PrintTimeline? = nil) throws(QueueError) -> PrintJob {
        try updateWaiting(id) { job in
            job.state = .ready
            job.slicing = nil
            job.printInfo = printInfo
            job.timeline = timeline
            job.spoolPath = spoolPath
            job.totalLines = totalLines
            job.message = ""
        }
    }

    public mutating func recordProgress(_ progress: JobProgress) -> PrintJob? {
        guard let index = active.firstIndex(where: { $0.state.isOnPrinter }) else { return nil }
        active[index].confirmedLines = progress.confirmedCommands
        active[index].lastConfirmedFileLine = progress.lastConfirmedFileLine
        active[index].progress = progress.fraction
        return active[index]
    }

    /// The printer paused or resumed the job on the printer (a person, a filament runout, `//action:pause`).
    public mutating func markOnPrinter(paused: Bool, message: String = "") -> PrintJob? {
        guard let index = active.firstIndex(where: { $0.state.isOnPrinter }) else { return nil }
        let state: PrintJobState = paused ? .paused : .printing
        guard active[index].state != state else { return nil }
        active[index].state = state
        active[index].message = message
        return active[index]
    }

    /// The job on the printer ended; it moves to the history. Failures and interruptions hold the queue.
    public mutating func finishCurrent(_ outcome: JobOutcome, progress: JobProgress?, now: Date) -> PrintJob? {
        guard let index = active.firstIndex(where: { $0.state.isOnPrinter }) else { return nil }
        var job = active.remove(at: index)
        if let progress {
            job.confirmedLines = progress.confirmedCommands
            job.lastConfirmedFileLine = progress.lastConfirmedFileLine
            job.progress = progress.fraction
        }
        job.finishedAt = now
        switch outcome {
        case .completed:
            job.state = .completed
            job.progress = 1
            job.message = ""
        case .cancelled:
            job.state = .cancelled
            job.message = "cancelled at file line \(job.lastConfirmedFileLine)"
        case .failed(let reason):
            job.state = .failed
            job.message = reason
            holdReason = "job \(job.id) failed: \(reason)"
        case .interrupted(let reason):
            job.state = .interrupted
            job.message = "\(reason); the last line the printer confirmed is file line \(job.lastConfirmedFileLine)"
            holdReason = "job \(job.id) was interrupted: \(reason)"
        }
        archive(job)
        return job
    }

    /// A job that has not reached the printer is cancelled here; the one on the printer is the link's to stop.
    public mutating func cancelWaiting(_ id: String, now: Date) throws(QueueError) -> PrintJob {
        guard let index = active.firstIndex(where: { $0.id == id }) else { throw .jobNotFound(id) }
        guard !active[index].state.isOnPrinter else {
            throw .notPossible("job \(id) is on the printer; stopping it is the printer's to do")
        }
        var job = active.remove(at: index)
        job.state = .cancelled
        job.finishedAt = now
        job.message = "cancelled before it printed"
        archive(job)
        return job
    }

    /// Fails a job that never reached the printer (its file cannot be read, its G-code is invalid).
    public mutating func failWaiting(_ id: String, reason: String, now: Date) throws(QueueError) -> PrintJob {
        guard let index = active.firstIndex(where: { $0.id == id && !$0.state.isOnPrinter }) else { throw .jobNotFound(id) }
        var job = active.remove(at: index)
        job.state = .failed
        job.finishedAt = now
        job.message = reason
        archive(job)
        return job
    }

    /// A change to a finished job's record (a person dismissed it).
    public mutating func updateFinished(_ id: String, _ change: (inout PrintJob) -> Void) throws(QueueError) -> PrintJob {
        guard let index = finished.lastIndex(where: { $0.id == id }) else { throw .jobNotFound(id) }
        change(&finished[index])
        return finished[index]
    }

    /// Takes a job that is not on the printer out of the queue or the history altogether.
    public mutating func remove(_ id: String) throws(QueueError) -> PrintJob {
        if let index = active.firstIndex(where: { $0.id == id }) {
            guard !active[index].state.isOnPrinter else {
                throw .notPossible("job \(id) is on the printer; stopping it is the printer's to do")
            }
            return active.remove(at: index)
        }
        guard let index = finished.lastIndex(where: { $0.id == id }) else { throw .jobNotFound(id) }
        return finished.remove(at: index)
    }

    /// Keeps the next job from starting until a person releases the queue.
    public mutating func hold(_ reason: String) {
        holdReason = reason
    }

    /// A person says the printer is fit to print again.
    public mutating func release() -> Bool {
        guard holdReason != nil else { return false }
        holdReason = nil
        return true
    }

    private mutating func update(_ id: String, _ change: (inout PrintJob) -> Void) throws(QueueError) -> PrintJob {
        guard let index = active.firstIndex(where: { $0.id == id }) else { throw .jobNotFound(id) }
        change(&active[index])
        return active[index]
    }

    private mutating func archive(_ job: PrintJob) {
        finished.append(job)
        if finished.count > historyLimit { finished.removeFirst(finished.count - historyLimit) }
    }
}
