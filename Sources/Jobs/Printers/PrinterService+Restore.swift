import Foundation
import Logging

extension PrinterService {
    /// The queue as the database holds it, after what the last stop did to it (see `PrinterQueue.init(restoring:)`);
    /// the changes are written back at once. A database that cannot be read holds the queue empty, so that
    /// nothing prints that a person did not see queued; so does one that was found unreadable at start and
    /// replaced (`JobStore.setAside`), and that hold is written to the new database. `crashedWhilePrinting` tells
    /// whether a job was on the printer when the agent died (or may have been: the database was lost).
    static func restoredQueue(serviceId: String, store: JobStore, logger: Logger)
        -> (queue: PrinterQueue, crashedWhilePrinting: Bool)
    {
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
}
