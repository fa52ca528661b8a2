import Foundation

/// Every change to the queue goes to the database as it happens (progress about once a second), so that a crash
/// or `kill -9` finds the queue as it was.
extension PrinterService {
    func save(_ job: PrintJob) {
        do {
            try support.store.save(job)
            progressSavedAt[job.id] = job.state.isFinished ? nil : ContinuousClock.now
        } catch {
            logger.error("cannot save job \(job.id): \(error)")
        }
    }

    func saved(_ job: PrintJob?) -> PrintJob? {
        if let job { save(job) }
        return job
    }

    /// The line the printer confirmed goes to disk at most once a second: after a crash the job reports a line
    /// at most a second old — earlier than the truth, never later, which is the safe side to restart from.
    func saveProgress(_ job: PrintJob) {
        if let last = progressSavedAt[job.id], ContinuousClock.now - last < .seconds(1) { return }
        save(job)
    }

    func saveHold() {
        do {
            try support.store.setHoldReason(queue.holdReason, serviceId: serviceId)
        } catch {
            logger.error("cannot save the queue's hold: \(error)")
        }
    }

    /// The content's copy in the spool goes once its job is done with it. An interrupted job keeps its file: a
    /// person may restart it from the line it reached.
    func removeSpoolFile(of job: PrintJob) {
        guard let spool = support.spoolDirectory, job.content != nil, job.state != .interrupted else { return }
        let files = SpoolFiles(jobId: job.id, spool: spool)
        for path in files.all {
            if unlink(path) != 0, errno != ENOENT {
                logger.warning("cannot remove \(path): \(String(cString: strerror(errno)))")
            }
        }
        // The slicer's own directory goes when its slice ends; this is for a slice the agent did not see end.
        try? FileManager.default.removeItem(atPath: files.slicingDirectory)
    }
}
