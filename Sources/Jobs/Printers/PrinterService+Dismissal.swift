import Foundation

/// A person clears what the queue still holds (issue 14, finding 5): an interrupted job keeps its G-code in the
/// spool for a restart from the line it reached, and those files count towards the spool's quota until someone
/// says they are not wanted.
extension PrinterService {
    /// `print.stop` on a finished job: its files leave the spool and it says so; its record stays in the history.
    /// The queue's hold is not released by this: the half-printed part may still be on the bed (`print.resume`).
    func dismiss(_ job: PrintJob) throws(PrinterServiceError) -> PrintJob {
        let freed = freeSpool(of: job)
        guard freed > 0 || (job.state == .interrupted && job.spoolPath != nil) else {
            throw .invalidOperation("job \(job.id) is already \(job.state.rawValue) and holds nothing in the spool")
        }
        let dismissed: PrintJob
        do {
            dismissed = try queue.updateFinished(job.id) { job in
                job.spoolPath = nil
                job.message += job.message.isEmpty ? "dismissed" : "; dismissed"
                if freed > 0 { job.message += ", \(freed) bytes freed in the spool" }
            }
        } catch {
            throw .jobNotFound(job.id)
        }
        save(dismissed)
        logger.info("job \(job.id) dismissed", metadata: ["state": "\(job.state.rawValue)", "bytesFreed": "\(freed)"])
        notices.yield(.jobState(dismissed))
        return dismissed
    }

    /// `queue.remove`: a job that is not on the printer leaves the queue and the history, with its files. A job
    /// still downloading has its download cut off first.
    public func remove(jobId: String) throws(PrinterServiceError) -> PrintJob {
        guard let job = queue.job(jobId) else { throw .jobNotFound(jobId) }
        guard !job.state.isOnPrinter else {
            throw .invalidOperation("job \(jobId) is on the printer; stop it with print.stop first")
        }
        if let preparation, preparation.jobId == jobId { preparation.cancel() }
        let removed: PrintJob
        do {
            removed = try queue.remove(jobId)
        } catch {
            throw .jobNotFound(jobId)
        }
        let freed = freeSpool(of: removed)
        forgetJob(jobId)
        logger.info("job \(jobId) removed from the queue", metadata: ["state": "\(removed.state.rawValue)",
                                                                    "bytesFreed": "\(freed)"])
        if !removed.state.isFinished { announceQueue() }
        return removed
    }

    /// Removes the job's own files from the spool (never a local file a job was queued from); the bytes freed.
    @discardableResult
    func freeSpool(of job: PrintJob) -> Int64 {
        guard let spool = support.spoolDirectory, job.content != nil else { return 0 }
        var freed: Int64 = 0
        let files = SpoolFiles(jobId: job.id, spool: spool)
        for path in [files.part, files.gcode] {
            var status = stat()
            guard stat(path, &status) == 0 else { continue }
            if unlink(path) == 0 {
                freed += Int64(status.st_size)
            } else if errno != ENOENT {
                logger.warning("cannot remove \(path): \(String(cString: strerror(errno)))")
            }
        }
        return freed
    }

    private func forgetJob(_ jobId: String) {
        progressSavedAt[jobId] = nil
        do {
            try support.store.delete(jobId)
        } catch {
            logger.error("cannot delete job \(jobId): \(error)")
        }
    }
}
