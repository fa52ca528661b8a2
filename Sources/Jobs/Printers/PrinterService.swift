import Foundation
import GCode
import GCodeFiles
import Logging
import PrinterLink

/// One printer attached to the board, as the agent serves it: its serial link (opened again whenever it can
/// be after the port went away), its queue, and what it tells the rest of the agent as `PrinterNotice`s.
///
/// Nothing here heats or moves the printer by itself: a job starts only from the queue a person filled, a
/// job cut off by a lost link or a reset is never resumed, and stopping the agent cancels the job on the
/// printer so that the cancel script switches its heaters off.
///
/// Its parts: the link supervisor (`PrinterService+Link`, deciding with `LinkSupervisor`) keeps the printer linked
/// and hands the link's events to the service in their order (`PrinterService+LinkEvents`), which keeps its view of
/// the printer (`PrinterCondition`) and the queue (`PrinterQueue`) together. The job pipeline (`Sources/Jobs/Pipeline`:
/// selection, download, slicing, check) gets a waiting job's G-code ready, one stage after the other
/// (`PrinterService+Preparation`); a ready job starts here when the printer is idle.
public actor PrinterService {
    public nonisolated let settings: PrinterServiceSettings
    public nonisolated var serviceId: String { settings.serviceId }

    let notices: AsyncStream<PrinterNotice>.Continuation
    let logger: Logger
    let support: JobSupport
    var connection: PrinterConnection?
    var queue: PrinterQueue
    /// Wakes the preparation loop when a job joins the queue.
    let preparationWake: AsyncStream<Void>
    let preparationWakeSink: AsyncStream<Void>.Continuation
    /// The download or slice under way, so that stopping its job can cut it off.
    var preparation: (jobId: String, cancel: @Sendable () -> Void)?
    /// Slices waiting for the printer to connect and report its build volume (after the agent started).
    var readyWaiters: [AsyncStream<Void>.Continuation] = []
    /// When each job's progress last went to the database: it is saved about once a second, not per line.
    var progressSavedAt: [String: ContinuousClock.Instant] = [:]
    /// The printer as the link's events described it: the service's one view of the link's state machine.
    var printer = PrinterCondition()
    var state: PrinterState { printer.state }
    /// What keeps the printer linked remembers and decides (`keepLinked`).
    var supervisor: LinkSupervisor

    public init(settings: PrinterServiceSettings, notices: AsyncStream<PrinterNotice>.Continuation,
                support: JobSupport = .inMemory, logger: Logger = Logger(label: "3dp-agent.printer")) {
        self.settings = settings
        self.notices = notices
        self.support = support
        var logger = logger
        logger[metadataKey: "printer"] = "\(settings.serviceId)"
        self.logger = logger
        (preparationWake, preparationWakeSink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let (queue, crashedWhilePrinting) = Self.restoredQueue(serviceId: settings.serviceId, store: support.store, logger: logger)
        self.queue = queue
        supervisor = LinkSupervisor(heatersLeftOnByACrash: crashedWhilePrinting)
    }

    // MARK: - Jobs

    /// Starts the first ready job when the printer is idle and the queue is not held.
    func startNextJob() {
        guard let link = connection, link.snapshot().state == .ready, let job = queue.nextToStart(),
              let path = job.spoolPath else { return }
        do {
            let reader = try GCodeFileReader(path: path)
            let source = DisplayTap(reader: reader) { [notices, serviceId] text in
                notices.yield(.message(serviceId: serviceId, .display, text: text, at: Date()))
            }
            try link.startJob(source, totalCommands: job.totalLines)
            let started = try queue.markPrinting(job.id, totalLines: job.totalLines, now: Date())
            save(started)
            logger.info("job \(job.id) printing", metadata: ["name": "\(job.name)", "lines": "\(job.totalLines)"])
            notices.yield(.jobState(started))
        } catch {
            if let failed = saved(try? queue.failWaiting(job.id, reason: "cannot start: \(error)", now: Date())) {
                logger.error("job \(job.id) failed to start: \(error)")
                notices.yield(.jobState(failed))
            }
        }
        announceQueue()
    }

    /// Queues a G-code file that is already on the board. It is checked first (every line short enough for the
    /// firmware), so that a print never stops half-way on a bad line.
    public nonisolated func enqueue(gcodeFile path: String, name: String? = nil, contentURI: String? = nil) async throws -> PrintJob {
        let maxLineLength = settings.link.maxLineLength
        let summary = try await Task.detached(priority: .utility) {
            try GCodeFileReader.validate(path: path, maxLineLength: maxLineLength)
        }.value
        let job = PrintJob(id: PrintJobID.make(), serviceId: serviceId,
                           name: name ?? URL(fileURLWithPath: path).lastPathComponent,
                           contentURI: contentURI ?? URL(fileURLWithPath: path).absoluteString, spoolPath: path,
                           state: .ready, totalLines: summary.commandCount, createdAt: Date())
        return await add(job)
    }

    func add(_ job: PrintJob) -> PrintJob {
        queue.add(job)
        save(job)
        logger.info("job \(job.id) queued", metadata: ["name": "\(job.name)"])
        notices.yield(.jobState(job))
        announceQueue()
        startNextJob()
        return queue.job(job.id) ?? job
    }

    public func pause(jobId: String?) throws(PrinterServiceError) -> PrintJob {
        let job = try jobOnPrinter(jobId, doing: "pause")
        guard state == .printing else { throw .invalidOperation("job \(job.id) is \(job.state.rawValue), not printing") }
        connection?.pause()
        return job
    }

    /// Resumes the paused job; with no job on the printer, releases a held queue (a person says the printer is
    /// fit to print again) so that the next job may start.
    public func resume(jobId: String?) throws(PrinterServiceError) -> PrintJob? {
        if jobId == nil, queue.current == nil {
            guard queue.release() else { throw .invalidOperation("nothing is paused and the queue is not held") }
            saveHold()
            logger.info("queue released")
            announceQueue()
            startNextJob()
            return nil
        }
        let job = try jobOnPrinter(jobId, doing: "resume")
        guard state == .paused || state == .pausing else {
            throw .invalidOperation("job \(job.id) is \(job.state.rawValue), not paused")
        }
        connection?.resume()
        return job
    }

    /// Cancels the job on the printer (its cancel script switches the heaters off) or a job still waiting (its
    /// download is cut off and its files removed). On a finished job it dismisses it: an interrupted job's G-code,
    /// kept for a person who might restart it, leaves the spool (see `dismiss`).
    public func stop(jobId: String?) throws(PrinterServiceError) -> PrintJob {
        if let jobId, let job = queue.job(jobId), job.state.isFinished {
            return try dismiss(job)
        }
        if let jobId, queue.current?.id != jobId {
            do {
                let cancelled = try queue.cancelWaiting(jobId, now: Date())
                save(cancelled)
                if let preparation, preparation.jobId == jobId { preparation.cancel() }
                removeSpoolFile(of: cancelled)
                notices.yield(.jobState(cancelled))
                announceQueue()
                return cancelled
            } catch {
                throw .jobNotFound(jobId)
            }
        }
        let job = try jobOnPrinter(jobId, doing: "stop")
        connection?.cancel()
        return job
    }

    private func jobOnPrinter(_ jobId: String?, doing verb: String) throws(PrinterServiceError) -> PrintJob {
        guard let current = queue.current else {
            if let jobId {
                guard queue.job(jobId) != nil else { throw .jobNotFound(jobId) }
                throw .invalidOperation("job \(jobId) is not on the printer; cannot \(verb) it")
            }
            throw .invalidOperation("no job is on the printer to \(verb)")
        }
        if let jobId, jobId != current.id {
            guard queue.job(jobId) != nil else { throw .jobNotFound(jobId) }
            throw .invalidOperation("job \(jobId) is not on the printer; cannot \(verb) it")
        }
        return current
    }

    func announceQueue() {
        notices.yield(.queueChanged(serviceId: serviceId, queue.active))
    }

    public func job(_ id: String) -> PrintJob? { queue.job(id) }

    public func jobs(includeActive: Bool = true, includeFinished: Bool = false) -> [PrintJob] {
        (includeActive ? queue.active : []) + (includeFinished ? queue.finished : [])
    }

    public func order(of id: String) -> Int { queue.order(of: id) }

    public var holdReason: String? { queue.holdReason }

    // MARK: - What Managers read

    public var currentState: PrinterState { state }
    public var firmwareIdentity: FirmwareIdentity? { printer.identity }
    /// The link's own view of the firmware now (its snapshot): an M211 answered after `connected` is in it.
    var linkIdentity: FirmwareIdentity? { connection?.snapshot().identity }
    public var isOnline: Bool { printer.isOnline }

    public func statusReport(now: Date = Date()) -> PrinterStatusReport {
        PrinterStatusReport(serviceId: serviceId, state: state, temperature: printer.temperature,
                            measuredAt: printer.measuredAt,
                            job: queue.current, queuedJobs: queue.active.count - (queue.current == nil ? 0 : 1), queueHold: queue.holdReason,
                            reportedAt: now,
                            preparing: queue.active.first { $0.state == .downloading || $0.state == .slicing })
    }
}

