import Content
import Foundation
import GCode
import GCodeFiles
import Logging
import PrinterLink
import Slicing

/// The serial link's life: connect, reconnect after the port went away, follow what the link reports, and stop
/// a running job (heaters off) when the agent stops.
extension PrinterService {
    /// Keeps the printer connected until the task is cancelled; then stops a running job (heaters off) and
    /// closes the port.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.keepLinked() }
            group.addTask { await self.prepareJobs() }
        }
        logger.info("stopped")
    }

    func keepLinked() async {
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
                // The lines the events call for go out in child tasks of this link's group: none outlives it.
                await withDiscardingTaskGroup { group in
                    for await event in link.events {
                        handle(event)
                        for followUp in takeFollowUps() {
                            group.addTask { [logger] in await followUp.send(on: link, logger: logger) }
                        }
                        if Task.isCancelled, !isBusyStopping { Self.closeInBackground(link) }
                    }
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
    var isBusyStopping: Bool { printer.isBusyStopping }

    /// Called on whatever thread cancels the service: a job on the printer is cancelled (its script switches the
    /// heaters off) and the link closes once it has finished, or after a grace period if the printer is stuck.
    nonisolated static func stopForShutdown(_ link: PrinterConnection) {
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
    nonisolated static func closeInBackground(_ link: PrinterConnection) {
        DispatchQueue.global().async { link.close() }
    }

    func handle(_ event: LinkEvent) {
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
            printer.connected(found)
            notices.yield(.connected(serviceId: serviceId, found))
        case .temperature(let report):
            let firstAfterJob = printer.measured(report, at: now)
            notices.yield(.temperature(serviceId: serviceId, report, measuredAt: now))
            if firstAfterJob {
                // Status callbacks stop when the printer goes idle: without this one a Manager would keep the
                // job's targets as the printer's last word.
                notices.yield(.stateChanged(serviceId: serviceId, state))
            }
        case .jobProgress(let progress):
            if let job = queue.recordProgress(progress) {
                saveProgress(job)
                notices.yield(.jobProgress(job))
            }
        case .jobFinished(let outcome, let progress):
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

    func switchHeatersOffAfterACrash() {
        guard heatersLeftOnByACrash, connection != nil else { return }
        heatersLeftOnByACrash = false
        logger.warning("switching the heaters off: the agent stopped unexpectedly during a print, or lost its queue database and cannot tell")
        followUps.append(LinkFollowUp(lines: Self.heatersOff, failure: "failed after a crash", level: .error))
    }

    /// The cancel or completion script has just set the heaters (off, by default), so the targets of the last
    /// report are the job's: they are shown as unknown (null) until the printer reports again, and M105 asks it to
    /// now rather than at the next poll or autoreport. M105 only reads; nothing heats or moves.
    func forgetTargetsUntilTheNextReport() {
        guard printer.forgetTargets(), connection != nil else { return }
        followUps.append(LinkFollowUp(lines: ["M105"], failure: "failed after the job", level: .debug))
    }

    func takeFollowUps() -> [LinkFollowUp] {
        defer { followUps.removeAll() }
        return followUps
    }

    func changeState(to newState: PrinterState) {
        guard printer.change(to: newState) else { return }
        notices.yield(.stateChanged(serviceId: serviceId, newState))
    }

    func announceQueue() {
        notices.yield(.queueChanged(serviceId: serviceId, queue.active))
    }
}
