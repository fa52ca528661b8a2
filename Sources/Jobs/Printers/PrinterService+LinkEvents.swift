import Foundation
import PrinterLink

/// The link's events, in their order, on the service's actor: each moves the printer's condition and the queue
/// together, so that what a Manager reads of the printer and of its job always agree.
extension PrinterService {
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
                if supervisor.printerReady(linked: connection != nil) {
                    logger.warning("switching the heaters off: the agent stopped unexpectedly during a print, or lost its queue database and cannot tell")
                }
                startNextJob()
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
            finishJob(LinkSupervisor.outcome(outcome, agentStopping: Task.isCancelled), progress: progress, at: now)
        case .cancelEscalated(_, let text):
            logger.warning("cancel escalated: \(text)")
        default:
            break
        }
        if let report = PrinterNotice.reporting(event, serviceId: serviceId, at: now) { notices.yield(report) }
    }

    private func finishJob(_ outcome: JobOutcome, progress: JobProgress, at now: Date) {
        // The cancel or completion script has just set the heaters (off, by default): the last report's targets are
        // the job's, shown as unknown until the printer, asked at once, reports again.
        supervisor.jobEnded(targetsForgotten: printer.forgetTargets(), linked: connection != nil)
        guard let job = saved(queue.finishCurrent(outcome, progress: progress, now: now)) else { return }
        saveHold()
        removeSpoolFile(of: job)
        logger.info("job \(job.id) \(job.state.rawValue)", metadata: ["message": "\(job.message)"])
        notices.yield(.jobState(job))
        if case .failed(let reason) = outcome {
            notices.yield(.fault(serviceId: serviceId, .jobFailed, message: reason, at: now))
        }
        announceQueue()
    }

    func changeState(to newState: PrinterState) {
        guard printer.change(to: newState) else { return }
        notices.yield(.stateChanged(serviceId: serviceId, newState))
    }
}
