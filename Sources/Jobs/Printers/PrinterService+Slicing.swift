import Foundation
import Slicing

/// A model job's slice (`ModelSlice`), as the printer's queue and Managers see it: the job waits for the printer's
/// build volume if the printer has not connected yet, hears of the slicer's progress, and goes on to the check.
extension PrinterService {
    func slice(_ jobId: String, _ stage: ModelSlice) async {
        guard let slicing = support.slicing else {
            return fail(jobId, "no slicer available: this agent has no slicer configured")
        }
        if (try? printableVolume()) == nil, !isOnline {
            _ = update(jobId) { $0.message = "waiting for the printer to connect and report its build volume" }
            await waitUntilReady(atMost: ModelSlice.volumeWait)
        }
        let volume: PrintableVolume
        do {
            volume = try printableVolume()
        } catch {
            return fail(jobId, error.reason)
        }
        let slicer: InstalledSlicer
        do {
            slicer = try await SlicerDiscovery.find(slicing.choice, path: slicing.path)
        } catch {
            return fail(jobId, error.description)
        }
        let sliceJob: SliceJob
        do {
            sliceJob = stage.job(volume: volume, printerProfile: try ModelSlice.printerProfile(at: settings.slicerProfile),
                                 slicing: slicing)
        } catch {
            return fail(jobId, error.reason)
        }
        let label = "\(slicer.kind) \(slicer.version)"
        guard update(jobId, { ModelSlice.waitForTheSlicer(&$0, slicer: label) }) != nil else { return }

        let logger = self.logger
        let result = await underway(jobId, reporting: SlicingProgress.self) { progress in
            await ModelSlice.run(sliceJob, with: slicer, gate: slicing.gate, logger: logger) { progress.yield($0) }
        } relay: { reports in
            await self.relaySlicingProgress(jobId, reports, label: label)
        }
        switch result {
        case .failure(let failure):
            guard Preparation.endsInFailure(of: queue.job(jobId), agentStopping: Task.isCancelled) else { return }
            logger.warning("slice of job \(jobId) failed: \(failure)")
            fail(jobId, failure.description)
        case .success(let sliced):
            logger.info("job \(jobId) sliced", metadata: [
                "slicer": "\(label)", "seconds": "\(sliced.wallTime)", "slicerPeakRSS": "\(sliced.peakResidentBytes >> 20) MB",
                "progressReports": "\(sliced.progressReports)",
            ])
            await finishSlice(jobId, stage)
        }
    }

    /// The G-code part (fsynced by the hand-off) goes to the check stage; the model is no longer needed once the
    /// job is ready.
    private func finishSlice(_ jobId: String, _ stage: ModelSlice) async {
        let check = GCodeCheck(path: stage.files.gcode, part: stage.files.gcodePart, maxLineLength: settings.link.maxLineLength)
        guard queue.job(jobId)?.state == .slicing else { return check.discardPart() }
        await checkAndMarkReady(jobId, check, resumedFrom: 0)
        // Ready (or already printing): the G-code is in place and the model has served.
        if FileManager.default.fileExists(atPath: check.path) { unlink(stage.model) }
    }

    /// Hands the slicer's progress to Managers: each new point at once, and the latest again every
    /// `ModelSlice.reportInterval` so that a long quiet stage still shows the job alive.
    private func relaySlicingProgress(_ jobId: String, _ reports: AsyncStream<SlicingProgress>, label: String) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await reached in reports {
                    await self.recordSlicing(jobId, JobSlicing(progress: reached.fraction, stage: reached.stage, slicer: label))
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: ModelSlice.reportInterval)
                    await self.repeatSlicing(jobId)
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func recordSlicing(_ jobId: String, _ reached: JobSlicing) {
        var started = false
        guard let job = try? queue.updateWaiting(jobId, { started = ModelSlice.record(reached, in: &$0) }) else { return }
        if started { notices.yield(.jobState(job)) }
        notices.yield(.jobProgress(job))
    }

    private func repeatSlicing(_ jobId: String) {
        guard let job = queue.job(jobId), job.state == .slicing, job.slicing != nil else { return }
        notices.yield(.jobProgress(job))
    }

    private func waitUntilReady(atMost limit: Duration) async {
        let (ready, sink) = AsyncStream.makeStream(of: Void.self)
        readyWaiters.append(sink)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in ready {} }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
        sink.finish()
    }

    /// The firmware's M211 as the link knows it now (an answer after `connected` included), else as last connected.
    func printableVolume() throws(ModelSlice.Refusal) -> PrintableVolume {
        try ModelSlice.printableVolume(reported: linkIdentity?.buildVolume ?? firmwareIdentity?.buildVolume,
                                       configured: settings.buildVolume)
    }
}
