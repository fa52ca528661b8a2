import Content
import ContentContract
import Foundation
import GCode
import GCodeFiles
import Slicing

/// Getting a job's G-code into the spool (DESIGN §1 steps 3–5): the selection by token, the download, the check
/// of every line. One job at a time per printer, in queue order, while another job may be printing.
extension PrinterService {
    /// Queues a print of what the Manager selected on a content server (7.2.5): answered at once; the content is
    /// fetched in the background and the job prints when it is ready and the printer is free.
    public func enqueue(contentServer: String, token: String) throws(PrinterServiceError) -> PrintJob {
        guard let content = support.content, support.spoolDirectory != nil else {
            throw .contentServerNotTrusted("this agent fetches no content: it has no spool")
        }
        let server: TrustedContentServer
        do {
            server = try content.trustedServer(for: contentServer)
        } catch {
            throw .contentServerNotTrusted(error.description)
        }
        let job = PrintJob(id: PrintJobID.make(), serviceId: serviceId, name: "", contentURI: contentServer,
                           content: ContentDescriptor(server: contentServer), state: .queued,
                           message: "waiting for \(server.name)", createdAt: Date())
        do {
            try support.store.insert(job, token: token)
        } catch {
            logger.error("cannot save job \(job.id): \(error)")
            throw .invalidOperation("the print queue database failed: \(error)")
        }
        let added = add(job)
        preparationWakeSink.yield()
        return added
    }

    /// Prepares the queue's waiting jobs one after the other until the service stops.
    func prepareJobs() async {
        var wakes = preparationWake.makeAsyncIterator()
        while !Task.isCancelled {
            if let job = queue.nextToPrepare() {
                await prepare(job)
            } else if await wakes.next() == nil {
                return
            }
        }
    }

    private func prepare(_ waiting: PrintJob) async {
        guard let content = support.content, let spool = support.spoolDirectory, let descriptor = waiting.content else {
            fail(waiting.id, "the agent cannot fetch this job's content: no content server is configured")
            return
        }
        let jobId = waiting.id
        // A model downloaded and checked before the agent stopped is sliced again from the spool: no token needed.
        if descriptor.isKnown, case .model(let format) = ContentMediaType(mediaType: descriptor.mediaType, name: waiting.name),
           let modelFormat = ModelFormat(rawValue: format.rawValue),
           FileManager.default.fileExists(atPath: Self.modelPath(jobId, format: modelFormat, spool: spool)) {
            return await slice(jobId, model: Self.modelPath(jobId, format: modelFormat, spool: spool), format: modelFormat, spool: spool)
        }
        guard let token = storedToken(waiting.id) else {
            fail(waiting.id, "the content server's token for this job is gone; start the print again")
            return
        }
        guard update(jobId, { $0.state = .downloading; $0.message = "reading the selection" }) != nil else { return }

        let selection: ContentSelection
        do {
            selection = try await content.selection(server: descriptor.server, token: token)
        } catch {
            return finishPreparation(jobId, error)
        }
        guard update(jobId, { job in
            job.name = selection.name
            job.contentURI = selection.uri
            job.content = ContentDescriptor(server: descriptor.server, contentId: selection.contentId,
                                            mediaType: selection.mediaType, size: selection.size, sha256: selection.sha256)
            job.message = "downloading"
        }) != nil else { return }
        let finalPath: String
        var model: ModelFormat?
        switch SpoolDestination(jobId: jobId, name: selection.name, mediaType: selection.mediaType,
                                slicerAvailable: support.slicing != nil, spool: spool) {
        case .gcode(let path):
            finalPath = path
        case .model(let path, let format):
            finalPath = path
            model = format
        case .refused(let reason):
            return fail(jobId, reason)
        }

        let (progress, progressSink) = AsyncStream.makeStream(of: DownloadProgress.self, bufferingPolicy: .bufferingNewest(1))
        let download = Task {
            try await content.download(selection, server: descriptor.server, token: token,
                                       partPath: Self.partPath(jobId, spool: spool), finalPath: finalPath) {
                progressSink.yield($0)
            }
        }
        preparation = (jobId, { download.cancel() })
        let result: Result<DownloadedContent, any Error> = await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await reached in progress { await self.recordDownload(jobId, reached) }
                }
                let result = await download.result
                progressSink.finish()
                await group.waitForAll()
                return result
            }
        } onCancel: {
            download.cancel()
        }
        preparation = nil
        switch result {
        case .failure(let error):
            return finishPreparation(jobId, error)
        case .success(let downloaded):
            if let model {
                await slice(jobId, model: downloaded.path, format: model, spool: spool)
            } else {
                await checkAndMarkReady(jobId, path: downloaded.path, resumedFrom: downloaded.resumedFrom)
            }
        }
    }

    private func recordDownload(_ jobId: String, _ reached: DownloadProgress) {
        guard let job = try? queue.updateWaiting(jobId, { $0.bytesDownloaded = reached.bytes }) else { return }
        saveProgress(job)
        notices.yield(.jobProgress(job))
    }

    /// Every line must fit the firmware before the job may print, so that a print never stops half-way.
    /// - Parameter part: a sliced job's G-code, checked there and only then renamed to `path`.
    func checkAndMarkReady(_ jobId: String, path: String, resumedFrom: Int64, renamingFrom part: String? = nil) async {
        let maxLineLength = settings.link.maxLineLength
        let summary: GCodeFileSummary
        let timeline: PrintTimeline
        do {
            let checked = part ?? path
            (summary, timeline) = try await Task.detached(priority: .utility) {
                (try GCodeFileReader.validate(path: checked, maxLineLength: maxLineLength), PrintTimeline.read(path: checked))
            }.value
        } catch {
            return fail(jobId, "the G-code cannot be printed: \(error)")
        }
        if let part {
            guard queue.job(jobId).map({ !$0.state.isFinished }) == true else {
                unlink(part)
                return
            }
            guard rename(part, path) == 0 else {
                return fail(jobId, "the sliced G-code cannot be moved into place: \(String(cString: strerror(errno)))")
            }
        }
        guard let ready = saved(try? queue.markReady(jobId, spoolPath: path, totalLines: summary.commandCount,
                                                     printInfo: PrintInfo(summary.metadata), timeline: timeline)) else {
            // Stopped or removed while its last bytes arrived: the finished download has no job left to print it.
            if let stopped = queue.job(jobId) { removeSpoolFile(of: stopped) } else { unlink(path) }
            return
        }
        forgetToken(jobId)
        logger.info("job \(jobId) ready", metadata: [
            "name": "\(ready.name)", "bytes": "\(ready.bytesDownloaded)", "resumedFrom": "\(resumedFrom)",
            "lines": "\(summary.commandCount)",
        ])
        notices.yield(.jobState(ready))
        announceQueue()
        startNextJob()
    }

    /// A preparation that ended without G-code: the job failed, unless it was stopped (already cancelled) or the
    /// agent is stopping (it stays `downloading` on disk and resumes from its part file after the restart).
    func finishPreparation(_ jobId: String, _ error: any Error) {
        if Task.isCancelled { return }
        guard let job = queue.job(jobId), !job.state.isFinished else { return }
        fail(jobId, (error as? ContentError)?.description ?? "\(error)")
    }

    func fail(_ jobId: String, _ reason: String) {
        guard let failed = saved(try? queue.failWaiting(jobId, reason: reason, now: Date())) else { return }
        forgetToken(jobId)
        removeSpoolFile(of: failed)
        logger.warning("job \(jobId) failed before printing: \(reason)")
        notices.yield(.jobState(failed))
        announceQueue()
    }

    /// A change to a waiting job: `job.state` for it, and `queue.changed` too when its state moved.
    func update(_ jobId: String, _ change: (inout PrintJob) -> Void) -> PrintJob? {
        let before = queue.job(jobId)?.state
        guard let job = saved(try? queue.updateWaiting(jobId, change)) else { return nil }
        notices.yield(.jobState(job))
        if job.state != before { announceQueue() }
        return job
    }

    private func storedToken(_ jobId: String) -> String? {
        do {
            return try support.store.token(for: jobId)
        } catch {
            logger.error("cannot read job \(jobId)'s token: \(error)")
            return nil
        }
    }

    private func forgetToken(_ jobId: String) {
        do {
            try support.store.setToken(nil, for: jobId)
        } catch {
            logger.error("cannot forget job \(jobId)'s token: \(error)")
        }
    }
}
