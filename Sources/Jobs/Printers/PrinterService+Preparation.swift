import Content
import ContentContract
import Foundation
import Slicing

/// Getting a job's G-code into the spool (DESIGN §1 steps 3–5), the stages in order: the selection by token
/// (`SpoolDestination`), the download (`SpoolDownload`), a model's slice (`ModelSlice`), the check of every line
/// (`GCodeCheck`). The stages decide; this moves the queue between them and tells Managers. One job at a time per
/// printer, in queue order, while another job may be printing.
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

    /// Selection → download → slicing → check, each stage deciding alone and the queue moving between them.
    private func prepare(_ waiting: PrintJob) async {
        guard let content = support.content, let spool = support.spoolDirectory, let descriptor = waiting.content else {
            fail(waiting.id, "the agent cannot fetch this job's content: no content server is configured")
            return
        }
        let jobId = waiting.id
        let files = SpoolFiles(jobId: jobId, spool: spool)
        if case .sliceAgain(let model, let format) = SpoolDownload.start(of: waiting, files: files,
                                                                         exists: FileManager.default.fileExists(atPath:)) {
            return await slice(jobId, ModelSlice(model: model, format: format, files: files))
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
        guard update(jobId, { SpoolDownload.record(selection, from: descriptor.server, in: &$0) }) != nil else { return }
        let destination: String
        var model: ModelFormat?
        switch SpoolDestination(jobId: jobId, name: selection.name, mediaType: selection.mediaType,
                                slicerAvailable: support.slicing != nil, spool: spool) {
        case .gcode(let path):
            destination = path
        case .model(let path, let format):
            destination = path
            model = format
        case .refused(let reason):
            return fail(jobId, reason)
        }

        let download = SpoolDownload(content: content, server: descriptor.server, token: token, selection: selection,
                                     files: files, destination: destination)
        let result = await underway(jobId, reporting: DownloadProgress.self) { progress in
            await download.run { progress.yield($0) }
        } relay: { reports in
            for await reached in reports { await self.recordDownload(jobId, reached) }
        }
        switch result {
        case .failure(let error):
            return finishPreparation(jobId, error)
        case .success(let downloaded):
            if let model {
                await slice(jobId, ModelSlice(model: downloaded.path, format: model, files: files))
            } else {
                await checkAndMarkReady(jobId, GCodeCheck(path: downloaded.path, maxLineLength: settings.link.maxLineLength),
                                        resumedFrom: downloaded.resumedFrom)
            }
        }
    }

    /// Runs a download or a slice in a task of its own, which stopping the job cuts off (`preparation`) as the agent
    /// stopping does. Its progress goes to `relay` as it comes, and the result waits for the last of it, so that no
    /// progress of the job arrives after the state the result moves it to.
    func underway<Progress: Sendable, Outcome: Sendable>(
        _ jobId: String, reporting _: Progress.Type,
        work: @escaping @Sendable (AsyncStream<Progress>.Continuation) async -> Outcome,
        relay: @escaping @Sendable (AsyncStream<Progress>) async -> Void
    ) async -> Outcome {
        let (reports, reportSink) = AsyncStream.makeStream(of: Progress.self, bufferingPolicy: .bufferingNewest(1))
        let task = Task { await work(reportSink) }
        preparation = (jobId, { task.cancel() })
        let outcome = await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await relay(reports) }
                let outcome = await task.value
                reportSink.finish()
                await group.waitForAll()
                return outcome
            }
        } onCancel: {
            task.cancel()
        }
        preparation = nil
        return outcome
    }

    private func recordDownload(_ jobId: String, _ reached: DownloadProgress) {
        guard let job = try? queue.updateWaiting(jobId, { $0.bytesDownloaded = reached.bytes }) else { return }
        saveProgress(job)
        notices.yield(.jobProgress(job))
    }

    /// The last stage: a job becomes ready only with G-code whose every line the firmware accepts.
    func checkAndMarkReady(_ jobId: String, _ check: GCodeCheck, resumedFrom: Int64) async {
        let printable: GCodeCheck.Printable
        switch await check.read() {
        case .refused(let reason):
            return fail(jobId, reason)
        case .printable(let found):
            printable = found
        }
        if check.part != nil {
            guard queue.job(jobId).map({ !$0.state.isFinished }) == true else { return check.discardPart() }
            if let reason = check.moveIntoPlace() { return fail(jobId, reason) }
        }
        guard let ready = saved(try? queue.markReady(jobId, spoolPath: check.path, totalLines: printable.commandCount,
                                                     printInfo: printable.printInfo, timeline: printable.timeline)) else {
            // Stopped or removed while its last bytes arrived: the finished download has no job left to print it.
            if let stopped = queue.job(jobId) { removeSpoolFile(of: stopped) } else { unlink(check.path) }
            return
        }
        forgetToken(jobId)
        logger.info("job \(jobId) ready", metadata: [
            "name": "\(ready.name)", "bytes": "\(ready.bytesDownloaded)", "resumedFrom": "\(resumedFrom)",
            "lines": "\(printable.commandCount)",
        ])
        notices.yield(.jobState(ready))
        announceQueue()
        startNextJob()
    }

    /// A selection or a download that ended without G-code (`Preparation.endsInFailure` says when that fails the job).
    func finishPreparation(_ jobId: String, _ error: any Error) {
        guard Preparation.endsInFailure(of: queue.job(jobId), agentStopping: Task.isCancelled) else { return }
        fail(jobId, SpoolDownload.reason(error))
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
