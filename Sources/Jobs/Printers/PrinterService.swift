import Content
import Foundation
import GCode
import GCodeFiles
import Logging
import PrinterLink
import Slicing

/// One printer attached to the board, as the agent serves it: its serial link (opened again whenever it can
/// be after the port went away), its queue, and what it tells the rest of the agent as `PrinterNotice`s.
///
/// Nothing here heats or moves the printer by itself: a job starts only from the queue a person filled, a
/// job cut off by a lost link or a reset is never resumed, and stopping the agent cancels the job on the
/// printer so that the cancel script switches its heaters off.
public actor PrinterService {
    public nonisolated let settings: PrinterServiceSettings
    public nonisolated var serviceId: String { settings.serviceId }

    let notices: AsyncStream<PrinterNotice>.Continuation
    let logger: Logger
    let support: JobSupport
    private var connection: PrinterConnection?
    var queue: PrinterQueue
    /// Tokens of jobs whose content is still to be fetched, when there is no database to keep them in.
    var tokensInMemory: [String: String] = [:]
    /// Wakes the preparation loop when a job joins the queue.
    let preparationWake: AsyncStream<Void>
    let preparationWakeSink: AsyncStream<Void>.Continuation
    /// The download or slice under way, so that stopping its job can cut it off.
    var preparation: (jobId: String, cancel: @Sendable () -> Void)?
    /// The latest slicing progress of the job being sliced, repeated twice a second while the slicer is quiet.
    var slicingProgress: [String: SlicingProgress] = [:]
    /// Slices waiting for the printer to connect and report its build volume (after the agent started).
    var readyWaiters: [AsyncStream<Void>.Continuation] = []
    /// When each job's progress last went to the database: it is saved about once a second, not per line.
    var progressSavedAt: [String: ContinuousClock.Instant] = [:]
    /// The agent died while this printer printed: its heaters may still be on, with nobody left to switch them
    /// off. The first time the printer is ready again they are (and only that: nothing moves).
    private var heatersLeftOnByACrash: Bool
    private var state: PrinterState = .disconnected("not connected yet")
    private var identity: FirmwareIdentity?
    /// The latest temperatures and when they arrived: kept across a lost link so a Manager still sees the last
    /// measurement (with its old time stamp) instead of nothing.
    private var temperature: TemperatureReport?
    private var measuredAt: Date?
    private var lastProgress: JobProgress?
    /// A job ended and its script changed the targets: the last report's targets are the job's, not the printer's,
    /// until the printer's next report (asked for at once), which then goes out as a status too.
    private var awaitingTargetsAfterJob = false

    public init(settings: PrinterServiceSettings, notices: AsyncStream<PrinterNotice>.Continuation,
                support: JobSupport = .inMemory, logger: Logger = Logger(label: "3dp-agent.printer")) {
        self.settings = settings
        self.notices = notices
        self.support = support
        var logger = logger
        logger[metadataKey: "printer"] = "\(settings.serviceId)"
        self.logger = logger
        (preparationWake, preparationWakeSink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (queue, heatersLeftOnByACrash) = Self.restoredQueue(serviceId: settings.serviceId, store: support.store, logger: logger)
    }

    /// The queue as the database holds it, after what the last stop did to it (see `PrinterQueue.init(restoring:)`);
    /// the changes are written back at once. A database that cannot be read holds the queue empty, so that
    /// nothing prints that a person did not see queued; so does one that was found unreadable at start and
    /// replaced (`JobStore.setAside`), and that hold is written to the new database. `crashedWhilePrinting` tells
    /// whether a job was on the printer when the agent died (or may have been: the database was lost).
    private static func restoredQueue(serviceId: String, store: JobStore?, logger: Logger)
        -> (queue: PrinterQueue, crashedWhilePrinting: Bool)
    {
        guard let store else { return (PrinterQueue(serviceId: serviceId), false) }
        do {
            let saved = try store.jobs(serviceId: serviceId)
            var queue = PrinterQueue(serviceId: serviceId, restoring: saved,
                                     holdReason: try store.holdReason(serviceId: serviceId), now: Date())
            for job in queue.active + queue.finished where !saved.contains(job) {
                try store.save(job)
                if job.state == .interrupted {
                    logger.warning("job \(job.id) was on the printer when the agent stopped; it is interrupted and the queue waits for a person",
                                   metadata: ["line": "\(job.lastConfirmedFileLine)"])
                }
            }
            if let setAside = store.setAside, queue.holdReason == nil {
                // The jobs this printer had are unknown: one may have been printing when the power went.
                queue.hold(setAside.description)
                logger.error("queue held: \(setAside.description)")
            }
            try store.setHoldReason(queue.holdReason, serviceId: serviceId)
            if !queue.active.isEmpty { logger.info("\(queue.active.count) jobs restored from the queue database") }
            // After a lost database nobody knows whether a job was printing: the heaters go off as after a crash.
            return (queue, saved.contains { $0.state.isOnPrinter } || store.setAside != nil)
        } catch {
            logger.error("cannot restore the print queue: \(error)")
            var queue = PrinterQueue(serviceId: serviceId)
            queue.hold("the print queue database could not be read: \(error)")
            return (queue, false)
        }
    }

    // MARK: - The link's life

    /// Keeps the printer connected until the task is cancelled; then stops a running job (heaters off) and
    /// closes the port.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.keepLinked() }
            group.addTask { await self.prepareJobs() }
        }
        logger.info("stopped")
    }

    private func keepLinked() async {
        var lastOpenFailure: String?
        while !Task.isCancelled {
            let port: SerialPort
            do {
                port = try SerialPort.open(path: settings.portPath, baudRate: settings.baudRate)
            } catch {
                let reason = "cannot open \(settings.portPath): \(error)"
                if reason != lastOpenFailure {
                    logger.warning("\(reason); trying again every \(settings.reconnectInterval)")
                    lastOpenFailure = reason
                }
                changeState(to: .disconnected(reason))
                try? await Task.sleep(for: settings.reconnectInterval)
                continue
            }
            lastOpenFailure = nil
            logger.info("opened \(settings.portPath) at \(settings.baudRate) baud")
            let link = PrinterConnection(port: port, settings: settings.link, logger: logger)
            connection = link
            link.start()
            await withTaskCancellationHandler {
                for await event in link.events {
                    handle(event)
                    if Task.isCancelled, !isBusyStopping { Self.closeInBackground(link) }
                }
            } onCancel: {
                Self.stopForShutdown(link)
            }
            link.close()
            connection = nil
            if case .disconnected = state {} else { changeState(to: .disconnected("the link closed")) }
            if Task.isCancelled { break }
            try? await Task.sleep(for: settings.reconnectInterval)
        }
    }

    /// While a cancelled job still runs its cancel script the link must stay open, or the heaters stay on.
    private var isBusyStopping: Bool {
        switch state {
        case .printing, .pausing, .paused, .cancelling: return true
        default: return false
        }
    }

    /// Called on whatever thread cancels the service: a job on the printer is cancelled (its script switches the
    /// heaters off) and the link closes once it has finished, or after a grace period if the printer is stuck.
    private nonisolated static func stopForShutdown(_ link: PrinterConnection) {
        switch link.snapshot().state {
        case .printing, .pausing, .paused, .cancelling:
            link.cancel()
            DispatchQueue.global().asyncAfter(deadline: .now() + shutdownGrace) { link.close() }
        default:
            closeInBackground(link)
        }
    }

    static let shutdownGrace: TimeInterval = 15

    /// `close` waits for the link's thread; that wait belongs on no actor.
    private nonisolated static func closeInBackground(_ link: PrinterConnection) {
        DispatchQueue.global().async { link.close() }
    }

    private func handle(_ event: LinkEvent) {
        let now = Date()
        switch event {
        case .stateChanged(let newState):
            changeState(to: newState)
            switch newState {
            case .paused:
                if let job = saved(queue.markOnPrinter(paused: true, message: "paused")) { notices.yield(.jobState(job)) }
            case .printing:
                if let job = saved(queue.markOnPrinter(paused: false)) { notices.yield(.jobState(job)) }
            case .ready:
                for waiter in readyWaiters { waiter.finish() }
                readyWaiters.removeAll()
                switchHeatersOffAfterACrash()
                startNextJob()
            case .halted(let reason):
                notices.yield(.fault(serviceId: serviceId, .halted, message: reason, at: now))
            case .disconnected(let reason):
                notices.yield(.fault(serviceId: serviceId, .linkLost, message: reason, at: now))
            default:
                break
            }
        case .connected(let found):
            identity = found
            notices.yield(.connected(serviceId: serviceId, found))
        case .temperature(let report):
            temperature = report
            measuredAt = now
            notices.yield(.temperature(serviceId: serviceId, report, measuredAt: now))
            if awaitingTargetsAfterJob {
                awaitingTargetsAfterJob = false
                // Status callbacks stop when the printer goes idle: without this one a Manager would keep the
                // job's targets as the printer's last word.
                notices.yield(.stateChanged(serviceId: serviceId, state))
            }
        case .jobProgress(let progress):
            lastProgress = progress
            if let job = queue.recordProgress(progress) {
                saveProgress(job)
                notices.yield(.jobProgress(job))
            }
        case .jobFinished(let outcome, let progress):
            lastProgress = nil
            forgetTargetsUntilTheNextReport()
            var outcome = outcome
            if outcome == .cancelled, Task.isCancelled {
                outcome = .interrupted("the agent stopped; the job was cancelled and the heaters switched off")
            }
            if let job = saved(queue.finishCurrent(outcome, progress: progress, now: now)) {
                saveHold()
                removeSpoolFile(of: job)
                logger.info("job \(job.id) \(job.state.rawValue)", metadata: ["message": "\(job.message)"])
                notices.yield(.jobState(job))
                if case .failed(let reason) = outcome {
                    notices.yield(.fault(serviceId: serviceId, .jobFailed, message: reason, at: now))
                }
                announceQueue()
            }
        case .firmwareError(let error):
            switch error {
            case .heaterFault(let fault):
                let kind: PrinterFaultKind = fault.kind == .thermalRunaway ? .thermalRunaway : .heaterFault
                notices.yield(.fault(serviceId: serviceId, kind, message: fault.message, at: now))
            case .halted(let text):
                notices.yield(.fault(serviceId: serviceId, .halted, message: text, at: now))
            default:
                break
            }
        case .controllerReset:
            notices.yield(.fault(serviceId: serviceId, .controllerReset,
                                 message: "the printer's controller reset", at: now))
        case .cancelEscalated(_, let text):
            logger.warning("cancel escalated: \(text)")
            notices.yield(.fault(serviceId: serviceId, .cancelEscalated, message: text, at: now))
        case .message(let text):
            let kind: PrinterMessageKind = text.hasPrefix("prompt") ? .prompt : .notification
            notices.yield(.message(serviceId: serviceId, kind, text: text, at: now))
        case .action(let action):
            notices.yield(.message(serviceId: serviceId, .action, text: "\(action)", at: now))
        case .busy, .console, .commandCompleted, .commandFailed, .jobStarted, .windowFallback:
            break
        }
    }

    /// Only heaters, never the completion script: that one may park the head, and nothing moves by the agent's
    /// own initiative.
    static let heatersOff = HostProtocolStateMachine.heatersOff

    private func switchHeatersOffAfterACrash() {
        guard heatersLeftOnByACrash, let link = connection else { return }
        heatersLeftOnByACrash = false
        logger.warning("switching the heaters off: the agent stopped unexpectedly during a print, or lost its queue database and cannot tell")
        Task { [link, logger] in
            for line in Self.heatersOff {
                do { _ = try await link.send(line) } catch { logger.error("\(line) failed after a crash: \(error)") }
            }
        }
    }

    /// The cancel or completion script has just set the heaters (off, by default), so the targets of the last
    /// report are the job's: they are shown as unknown (null) until the printer reports again, and M105 asks it to
    /// now rather than at the next poll or autoreport. M105 only reads; nothing heats or moves.
    private func forgetTargetsUntilTheNextReport() {
        guard var report = temperature else { return }
        for index in report.hotends.keys { report.hotends[index]?.target = nil }
        report.bed?.target = nil
        report.chamber?.target = nil
        for label in report.other.keys { report.other[label]?.target = nil }
        temperature = report
        awaitingTargetsAfterJob = true
        guard let link = connection else { return }
        Task { [link, logger] in
            do { _ = try await link.send("M105") } catch { logger.debug("M105 after the job failed: \(error)") }
        }
    }

    func changeState(to newState: PrinterState) {
        guard newState != state else { return }
        state = newState
        notices.yield(.stateChanged(serviceId: serviceId, newState))
    }

    func announceQueue() {
        notices.yield(.queueChanged(serviceId: serviceId, queue.active))
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

    public func job(_ id: String) -> PrintJob? { queue.job(id) }

    public func jobs(includeActive: Bool = true, includeFinished: Bool = false) -> [PrintJob] {
        (includeActive ? queue.active : []) + (includeFinished ? queue.finished : [])
    }

    public func order(of id: String) -> Int { queue.order(of: id) }

    public var holdReason: String? { queue.holdReason }

    // MARK: - The console

    /// Sends console lines one after the other and returns what the firmware answered to each.
    /// - Parameter announcingDisplay: whether M117 text goes out as a `display` message too; not for a pairing
    ///   code, which only the person at the printer is to read.
    public func send(lines: [String], announcingDisplay: Bool = true) async throws(PrinterServiceError) -> [(line: String, replies: [String])] {
        var answers: [(line: String, replies: [String])] = []
        for line in lines {
            let link = try usableLink()
            if announcingDisplay, let text = PrinterDisplayText.of(line) {
                notices.yield(.message(serviceId: serviceId, .display, text: text, at: Date()))
            }
            do {
                answers.append((line, try await link.send(line)))
            } catch {
                throw .commandFailed("\(line): \(error)")
            }
        }
        return answers
    }

    /// M112 (out of band when the firmware has an emergency parser). The printer halts and needs a reset.
    public func emergencyStop() throws(PrinterServiceError) -> PrinterState {
        guard let link = connection else { throw .notConnected(Self.reason(state)) }
        logger.warning("emergency stop requested")
        link.emergencyStop()
        return state
    }

    private func usableLink() throws(PrinterServiceError) -> PrinterConnection {
        switch state {
        case .halted(let reason): throw .halted(reason)
        case .disconnected(let reason): throw .notConnected(reason)
        case .connecting: throw .notConnected("still connecting")
        default: break
        }
        guard let link = connection else { throw .notConnected(Self.reason(state)) }
        return link
    }

    private static func reason(_ state: PrinterState) -> String {
        if case .disconnected(let reason) = state { return reason }
        return state.description
    }

    // MARK: - What Managers read

    public var currentState: PrinterState { state }
    public var firmwareIdentity: FirmwareIdentity? { identity }
    /// What the link knows of the firmware now: M211's answer arrives after `connected` was reported.
    var linkIdentity: FirmwareIdentity? { connection?.snapshot().identity }
    public var isOnline: Bool {
        switch state {
        case .disconnected, .connecting: return false
        default: return true
        }
    }

    public func statusReport(now: Date = Date()) -> PrinterStatusReport {
        PrinterStatusReport(serviceId: serviceId, state: state, temperature: temperature, measuredAt: measuredAt,
                            job: queue.current, queuedJobs: queue.active.count - (queue.current == nil ? 0 : 1), queueHold: queue.holdReason,
                            reportedAt: now,
                            preparing: queue.active.first { $0.state == .downloading || $0.state == .slicing })
    }
}
